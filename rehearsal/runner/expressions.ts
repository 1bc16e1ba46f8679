import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { RunnerError, errorMessage } from './errors.js';

/**
 * `${{ }}` evaluation through GitHub's own @actions/expressions: parsing, operators,
 * built-in functions and coercions are theirs. The runner adds only what the service and
 * the runner add on github.com: the status functions (success/failure/cancelled/always),
 * whose answer depends on where they are evaluated (job-level or step-level), and
 * hashFiles, which reads the workspace.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Context name → plain JSON value (github, env, steps, needs, …). */
export type Contexts = Readonly<Record<string, Json | undefined>>;

export interface ExpressionFunctions {
  success?: () => boolean;
  failure?: () => boolean;
  cancelled?: () => boolean;
  always?: () => boolean;
  hashFiles?: (patterns: string[]) => string;
}

const STATUS = ['success', 'failure', 'cancelled', 'always'] as const;

function definitions(fns: ExpressionFunctions): Map<string, FunctionDefinition> {
  const map = new Map<string, FunctionDefinition>();
  for (const name of STATUS) {
    const f = fns[name];
    // Always declared, so a workflow that uses one where it means nothing still parses
    // (GitHub's parser accepts them anywhere `if:` is); evaluating it there is an error.
    map.set(name, {
      name,
      minArgs: 0,
      maxArgs: 0,
      call: () => {
        if (!f) throw new RunnerError('RUNNER_EXPRESSION', `${name}() is not available here`);
        return new data.BooleanData(f());
      },
    });
  }
  map.set('hashfiles', {
    name: 'hashFiles',
    minArgs: 1,
    maxArgs: 255,
    call: (...args) => {
      if (!fns.hashFiles) throw new RunnerError('RUNNER_EXPRESSION', 'hashFiles() is only available in steps');
      return new data.StringData(fns.hashFiles(args.map((a) => a.coerceString())));
    },
  });
  return map;
}

export function toData(value: Json | undefined): data.ExpressionData {
  if (value === undefined) return new data.Null();
  return JSON.parse(JSON.stringify(value), data.reviver) as data.ExpressionData;
}

export function fromData(value: data.ExpressionData): Json {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? 'null') as Json;
}

function dictionaryOf(contexts: Contexts): data.Dictionary {
  const dict = new data.Dictionary();
  for (const [k, v] of Object.entries(contexts)) dict.add(k, toData(v ?? null));
  return dict;
}

// TokenType.STRING of @actions/expressions' lexer.
const STRING_TOKEN = 18;

/**
 * @actions/expressions 0.3.61 unescapes only the first '' of a string literal
 * (lexer.js: value.replace("''", "'")); GitHub's runner unescapes every one. The
 * workflow parser's format() rewrite escapes each ' of a script, so a `run:` with an
 * expression and two quotes would otherwise reach the shell altered.
 */
function lex(expression: string): ReturnType<Lexer['lex']>['tokens'] {
  const tokens = new Lexer(expression).lex().tokens;
  for (const t of tokens) if (t.type === STRING_TOKEN && t.lexeme.length >= 2) t.value = t.lexeme.slice(1, -1).split("''").join("'");
  return tokens;
}

export function evaluate(expression: string, contexts: Contexts, fns: ExpressionFunctions = {}): data.ExpressionData {
  const functions = definitions(fns);
  try {
    const tokens = lex(expression);
    const tree = new Parser(
      tokens,
      Object.keys(contexts),
      [...functions.values()].map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs })),
    ).parse();
    return new Evaluator(tree, dictionaryOf(contexts), functions).evaluate();
  } catch (e) {
    if (e instanceof RunnerError) throw e;
    throw new RunnerError('RUNNER_EXPRESSION', `${errorMessage(e)} in \${{ ${expression.trim()} }}`, { cause: e });
  }
}

export function evaluateCondition(expression: string, contexts: Contexts, fns: ExpressionFunctions = {}): boolean {
  return truthy(evaluate(expression, contexts, fns));
}

export function evaluateJson(expression: string, contexts: Contexts, fns: ExpressionFunctions = {}): Json {
  return fromData(evaluate(expression, contexts, fns));
}

/** How the runner turns a value into a string field (env, with:, run:): objects are refused. */
export function stringOf(value: Json, where = 'value'): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return new data.NumberData(value).coerceString();
  throw new RunnerError('RUNNER_EXPRESSION', `A ${Array.isArray(value) ? 'sequence' : 'mapping'} was not expected (${where})`);
}

// TokenType values of @actions/workflow-parser (templates/tokens/types.js); compared by
// number so this module can be loaded before the parser (which needs a loader hook).
const T = { String: 0, Sequence: 1, Mapping: 2, BasicExpression: 3, InsertExpression: 4, Boolean: 5, Number: 6, Null: 7 } as const;

interface AnyToken {
  templateTokenType: number;
  value?: unknown;
  expression?: string;
  line?: number;
  col?: number;
  [Symbol.iterator]?: () => Iterator<unknown>;
}

export function isMappingToken(t: TemplateToken | undefined): boolean {
  return (t as AnyToken | undefined)?.templateTokenType === T.Mapping;
}

/** A template token (from the parsed workflow) evaluated to JSON, expressions included. */
export function evaluateToken(token: TemplateToken | undefined, contexts: Contexts, fns: ExpressionFunctions = {}): Json {
  if (!token) return null;
  const t = token as unknown as AnyToken;
  switch (t.templateTokenType) {
    case T.String:
    case T.Boolean:
    case T.Number:
      return t.value as Json;
    case T.Null:
      return null;
    case T.BasicExpression:
      return evaluateJson(t.expression ?? '', contexts, fns);
    case T.Sequence: {
      const out: Json[] = [];
      for (const item of t as unknown as Iterable<TemplateToken>) out.push(evaluateToken(item, contexts, fns));
      return out;
    }
    case T.Mapping: {
      const out: Record<string, Json> = {};
      for (const pair of t as unknown as Iterable<{ key: TemplateToken; value: TemplateToken }>) {
        const key = evaluateToken(pair.key, contexts, fns);
        out[stringOf(key, 'mapping key')] = evaluateToken(pair.value, contexts, fns);
      }
      return out;
    }
    default:
      throw new RunnerError('RUNNER_EXPRESSION', `unsupported template token type ${t.templateTokenType}`);
  }
}

export function evaluateTokenString(token: TemplateToken | undefined, contexts: Contexts, fns: ExpressionFunctions = {}, where?: string): string {
  return stringOf(evaluateToken(token, contexts, fns), where);
}

/** A mapping token (env:, with:, outputs:) evaluated value by value into strings. */
export function evaluateStringMap(token: TemplateToken | undefined, contexts: Contexts, fns: ExpressionFunctions = {}, where = 'mapping'): Record<string, string> {
  const value = evaluateToken(token, contexts, fns);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new RunnerError('RUNNER_EXPRESSION', `${where}: a mapping was expected`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringOf(v, `${where}.${k}`)]));
}

/** The source position of a token, for annotations ("(Line: 3, Col: 9)"). */
export function positionOf(token: TemplateToken | undefined): { line?: number; col?: number } {
  const t = token as unknown as AnyToken | undefined;
  return { line: t?.line, col: t?.col };
}

/**
 * `${{ }}` inside a plain string (action.yml defaults and composite outputs arrive as
 * strings when read outside the workflow parser): each expression evaluated and joined,
 * as the parser's format() rewrite would.
 */
export function interpolate(text: string, contexts: Contexts, fns: ExpressionFunctions = {}): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${{', i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    const end = findExpressionEnd(text, start + 3);
    if (end < 0) throw new RunnerError('RUNNER_EXPRESSION', `unclosed expression in '${text}'`);
    out += text.slice(i, start);
    const value = evaluateJson(text.slice(start + 3, end), contexts, fns);
    // A lone expression keeps its type in the parser; inside text it is coerced.
    out += stringOf(value, 'interpolation');
    i = end + 2;
  }
  return out;
}

/** The `}}` that closes an expression, skipping string literals ('it''s }}'). */
function findExpressionEnd(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length - 1; i++) {
    const c = text[i];
    if (c === "'") {
      if (inString && text[i + 1] === "'") {
        i++;
        continue;
      }
      inString = !inString;
    } else if (!inString && c === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}
