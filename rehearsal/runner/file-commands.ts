import { RunnerError } from './errors.js';

/**
 * The runner's two command channels, parsed as pure text.
 *
 * File commands: GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE hold `name=value` lines or
 * `name<<DELIMITER` blocks ending at a line equal to DELIMITER; GITHUB_PATH one directory
 * per line. Workflow commands: stdout/stderr lines `::command key=value,…::message`, with
 * %25 %0D %0A (and %3A %2C in properties) escapes.
 */

export function parseKeyValueFile(content: string, file = 'GITHUB_OUTPUT'): Array<[string, string]> {
  const lines = content.replace(/\r\n/g, '\n').split('\n');
  const out: Array<[string, string]> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const eq = line.indexOf('=');
    const hd = line.indexOf('<<');
    if (eq >= 0 && (hd < 0 || eq < hd)) {
      const name = line.slice(0, eq);
      if (!name) throw new RunnerError('RUNNER_FILE_COMMAND', `Invalid format '${line}'. Name must not be empty (${file})`);
      out.push([name, line.slice(eq + 1)]);
      continue;
    }
    if (hd < 0) throw new RunnerError('RUNNER_FILE_COMMAND', `Invalid format '${line}' (${file})`);
    const name = line.slice(0, hd);
    const delimiter = line.slice(hd + 2);
    if (!name) throw new RunnerError('RUNNER_FILE_COMMAND', `Invalid format '${line}'. Name must not be empty (${file})`);
    if (!delimiter) throw new RunnerError('RUNNER_FILE_COMMAND', `Invalid format '${line}'. Delimiter must not be empty (${file})`);
    const value: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      if (lines[i] === delimiter) {
        closed = true;
        break;
      }
      value.push(lines[i] as string);
    }
    if (!closed) throw new RunnerError('RUNNER_FILE_COMMAND', `Invalid value. Matching delimiter not found '${delimiter}' (${file})`);
    out.push([name, value.join('\n')]);
  }
  return out;
}

export function parsePathFile(content: string): string[] {
  return content
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export type WorkflowCommand =
  | { kind: 'annotation'; level: 'error' | 'warning' | 'notice'; message: string; properties: Record<string, string> }
  | { kind: 'debug'; message: string }
  | { kind: 'add-mask'; value: string }
  | { kind: 'group'; title: string }
  | { kind: 'endgroup' }
  | { kind: 'set-output'; name: string; value: string }
  | { kind: 'save-state'; name: string; value: string }
  | { kind: 'stop-commands'; token: string }
  | { kind: 'echo'; on: boolean }
  | { kind: 'disabled'; command: string }
  | { kind: 'unknown'; command: string };

function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%25/g, '%');
}

/** A `::command::` line, or undefined for ordinary output. */
export function parseWorkflowCommand(line: string): { command: string; properties: Record<string, string>; data: string } | undefined {
  const text = line.trimStart();
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  const head = text.slice(2, end);
  const data = text.slice(end + 2);
  const sp = head.indexOf(' ');
  const command = (sp < 0 ? head : head.slice(0, sp)).trim();
  if (!command) return undefined;
  const properties: Record<string, string> = {};
  if (sp >= 0) {
    for (const part of head.slice(sp + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      properties[part.slice(0, eq).trim()] = unescapeProperty(part.slice(eq + 1));
    }
  }
  return { command, properties, data: unescapeData(data) };
}

export function interpretCommand(parsed: { command: string; properties: Record<string, string>; data: string }): WorkflowCommand {
  const { command, properties, data } = parsed;
  switch (command) {
    case 'error':
    case 'warning':
    case 'notice':
      return { kind: 'annotation', level: command, message: data, properties };
    case 'debug':
      return { kind: 'debug', message: data };
    case 'add-mask':
      return { kind: 'add-mask', value: data };
    case 'group':
      return { kind: 'group', title: data };
    case 'endgroup':
      return { kind: 'endgroup' };
    case 'set-output':
      return { kind: 'set-output', name: properties.name ?? '', value: data };
    case 'save-state':
      return { kind: 'save-state', name: properties.name ?? '', value: data };
    case 'stop-commands':
      return { kind: 'stop-commands', token: data };
    case 'echo':
      return { kind: 'echo', on: data.trim().toLowerCase() === 'on' };
    case 'set-env':
    case 'add-path':
      return { kind: 'disabled', command };
    default:
      return { kind: 'unknown', command };
  }
}

/**
 * Reads a stream of output lines the way the runner's command manager does, including
 * `::stop-commands::TOKEN` … `::TOKEN::`, during which commands are printed, not run.
 */
export class CommandReader {
  private stopToken: string | undefined;

  /** The command a line carries, or undefined when it is plain output (or commands are stopped). */
  read(line: string): WorkflowCommand | undefined {
    const parsed = parseWorkflowCommand(line);
    if (!parsed) return undefined;
    if (this.stopToken !== undefined) {
      if (parsed.command === this.stopToken) this.stopToken = undefined;
      return undefined;
    }
    const cmd = interpretCommand(parsed);
    if (cmd.kind === 'stop-commands') this.stopToken = cmd.token;
    return cmd;
  }
}

/** Every secret and masked value replaced by *** (longest first, each line of a multi-line one too). */
export function maskText(text: string, secrets: Iterable<string>): string {
  const values = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    values.add(s);
    for (const line of s.split(/\r?\n/)) if (line.trim().length > 0) values.add(line);
  }
  let out = text;
  for (const v of [...values].sort((a, b) => b.length - a.length)) out = out.split(v).join('***');
  return out;
}
