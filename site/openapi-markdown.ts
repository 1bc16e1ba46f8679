/**
 * The API reference page's Markdown, generated from the service's OpenAPI document
 * (docs/API_SPEC.yaml): one section per operation with its parameters, request body and
 * responses, and the schemas written out as compact JSON. Pure.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Table cells hold no pipes or newlines. */
function cell(text: unknown): string {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
}

function resolveRef(doc: Json, value: unknown): Json {
  let v = value as Json | undefined;
  for (let i = 0; i < 20 && v && typeof v.$ref === 'string'; i++) {
    const path = (v.$ref as string).replace(/^#\//, '').split('/');
    v = path.reduce<unknown>((o, k) => (o as Json | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as Json | undefined;
  }
  return v ?? {};
}

/** A schema's one-line type: string, integer, array of number, object, oneOf … */
export function schemaType(doc: Json, schema: unknown): string {
  const s = resolveRef(doc, schema);
  if (Array.isArray(s.enum)) return s.enum.map((x) => JSON.stringify(x)).join(' \\| ');
  if (s.type === 'array') return `array of ${schemaType(doc, s.items)}`;
  for (const k of ['oneOf', 'anyOf'] as const) if (Array.isArray(s[k])) return (s[k] as unknown[]).map((x) => schemaType(doc, x)).join(' or ');
  return typeof s.type === 'string' ? s.type : 'object';
}

function fence(value: unknown): string {
  return ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
}

/** An anchor-safe id for an operation. */
export function operationAnchor(method: string, path: string): string {
  return `${method}-${path}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function openApiToMarkdown(doc: Json): string {
  const info = (doc.info ?? {}) as Json;
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const out: string[] = [`# ${String(info.title ?? 'API reference')}`, '', `Version ${String(info.version ?? '')}, OpenAPI ${String(doc.openapi ?? '')}.${info.description ? `\n\n${String(info.description)}` : ''}`, ''];
  const ops: Array<{ method: string; path: string; op: Json }> = [];
  for (const [path, item] of Object.entries(paths)) for (const m of METHODS) if (item[m]) ops.push({ method: m, path, op: item[m] as Json });
  out.push('| method | path | summary |', '| --- | --- | --- |');
  for (const { method, path, op } of ops) out.push(`| ${method.toUpperCase()} | [\`${cell(path)}\`](#${operationAnchor(method, path)}) | ${cell(op.summary)} |`);
  out.push('');
  for (const { method, path, op } of ops) {
    out.push(`<h2 id="${operationAnchor(method, path)}">${method.toUpperCase()} <code>${path.replace(/[<>&]/g, '')}</code></h2>`, '');
    if (op.summary) out.push(`**${cell(op.summary)}**`, '');
    if (op.description) out.push(String(op.description), '');
    const params = [...(((paths[path] as Json).parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map((p) => resolveRef(doc, p));
    if (params.length) {
      out.push('| parameter | in | type | required | description |', '| --- | --- | --- | --- | --- |');
      for (const p of params) out.push(`| \`${cell(p.name)}\` | ${cell(p.in)} | ${cell(schemaType(doc, p.schema))} | ${p.required ? 'yes' : 'no'} | ${cell(p.description)} |`);
      out.push('');
    }
    const body = resolveRef(doc, op.requestBody);
    const content = (body.content ?? {}) as Record<string, Json>;
    for (const [type, media] of Object.entries(content)) {
      out.push(`Request body (\`${type}\`${body.required ? ', required' : ''}):`, '', '<details><summary>schema</summary>', '', fence(resolveRef(doc, media.schema)), '', '</details>', '');
    }
    const responses = (op.responses ?? {}) as Record<string, unknown>;
    out.push('| status | description | body |', '| --- | --- | --- |');
    for (const [status, r] of Object.entries(responses)) {
      const res = resolveRef(doc, r);
      const media = Object.entries((res.content ?? {}) as Record<string, Json>)[0];
      out.push(`| ${cell(status)} | ${cell(res.description)} | ${media ? `\`${cell(media[0])}\` ${cell(schemaType(doc, media[1].schema))}` : ''} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
