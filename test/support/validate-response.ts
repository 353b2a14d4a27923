import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { asyncApiDocument, type AsyncApiDocument } from '../../lib/contracts/api-description/asyncapi';
import { openApiDocument, type OpenApiDocument } from '../../lib/contracts/api-description/openapi';

/*
 * Checks a real answer of the API against its OpenAPI description, for the integration tests:
 * the operation is found by method and path (a concrete path such as /v1/alarms/42, or the
 * template /v1/alarms/{alarmId}), its response by status, and the body is validated with Ajv
 * (JSON Schema 2020-12, OpenAPI 3.1's dialect) against the documented schema.
 */

export type ResponseValidation = { valid: true } | { valid: false; problems: string[] };

export interface ResponseFacts {
  /** The response's Content-Type; by default the one JSON content the response documents. */
  contentType?: string;
  /** The response's headers: those the description requires must be there. */
  headers?: Record<string, string | undefined>;
}

type Json = Record<string, any>;

const SCHEMAS_ID = 'urn:nfvi-doctor:openapi:schemas';
const JSON_TYPES = /^application\/([a-z.+-]*\+)?json$/;

/** The description's schemas, with their references pointing into the one Ajv knows them by. */
const rebased = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${SCHEMAS_ID}#/$defs/`)) as T;

export class ResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly document: Json;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp }[];

  constructor(document: OpenApiDocument = openApiDocument()) {
    this.document = rebased(document) as Json;
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    // OpenAPI's own keywords, which say nothing to validation.
    this.ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: SCHEMAS_ID, $defs: this.document.components?.schemas ?? {} });
    this.templates = Object.keys(this.document.paths ?? {}).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** Whether `body` is what the description says `method path` answers with `status`. */
  validate(method: string, path: string, status: number, body: unknown, facts: ResponseFacts = {}): ResponseValidation {
    const where = `${method.toUpperCase()} ${path} ${status}`;
    const template = this.templateOf(path);
    if (!template) return invalid(`${where}: no route of the description matches ${path}`);
    const operation = this.document.paths[template][method.toLowerCase()] as Json | undefined;
    if (!operation) return invalid(`${where}: ${method.toUpperCase()} ${template} is not described`);
    const documented = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`];
    if (!documented) {
      const known = Object.keys(operation.responses ?? {}).join(', ');
      return invalid(`${where}: status ${status} is not described for ${template} (${known})`);
    }
    const response = this.resolve(documented);
    const problems = this.headerProblems(where, response, facts.headers);
    const content = (response.content ?? {}) as Json;
    const types = Object.keys(content);
    if (types.length === 0) {
      if (body !== undefined && body !== null && body !== '') problems.push(`${where}: no body is described, got one`);
      return verdict(problems);
    }
    const type = facts.contentType?.split(';')[0]?.trim().toLowerCase() ?? types.find((t) => JSON_TYPES.test(t));
    if (!type || !content[type]) {
      problems.push(`${where}: content type ${type ?? '(none)'} is not described (${types.join(', ')})`);
      return verdict(problems);
    }
    let value = body;
    if (typeof body === 'string' && JSON_TYPES.test(type)) {
      try {
        value = JSON.parse(body);
      } catch {
        problems.push(`${where}: the body is not JSON`);
        return verdict(problems);
      }
    }
    const check = this.validatorOf(`${template} ${method} ${status} ${type}`, content[type].schema);
    if (!check(value)) {
      problems.push(
        ...(check.errors ?? []).map((e) => `${where}: body${e.instancePath || ''} ${e.message ?? 'is invalid'}`),
      );
    }
    return verdict(problems);
  }

  /** As validate, throwing an error that names every problem: for a test's assertion. */
  assert(method: string, path: string, status: number, body: unknown, facts: ResponseFacts = {}): void {
    const result = this.validate(method, path, status, body, facts);
    if (!result.valid)
      throw new Error(`the response does not match the OpenAPI description:\n  ${result.problems.join('\n  ')}`);
  }

  private templateOf(path: string): string | undefined {
    const bare = (/^https?:\/\//.test(path) ? new URL(path).pathname : path).split('?')[0] as string;
    if (this.document.paths?.[bare]) return bare;
    return this.templates.find(({ pattern }) => pattern.test(bare))?.template;
  }

  private resolve(node: Json): Json {
    if (typeof node.$ref !== 'string') return node;
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce(
        (at: Json | undefined, key: string) => at?.[key.replaceAll('~1', '/').replaceAll('~0', '~')],
        this.document,
      );
    if (!target) throw new Error(`unresolved reference ${node.$ref} in the OpenAPI description`);
    return this.resolve(target);
  }

  private headerProblems(where: string, response: Json, headers: ResponseFacts['headers']): string[] {
    if (!headers) return [];
    const present = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    return Object.entries((response.headers ?? {}) as Json)
      .filter(([name, header]) => this.resolve(header).required && !present.has(name.toLowerCase()))
      .map(([name]) => `${where}: the ${name} header is required and missing`);
  }

  private validatorOf(key: string, schema: Json): ValidateFunction {
    let check = this.compiled.get(key);
    if (!check) {
      check = this.ajv.compile(schema);
      this.compiled.set(key, check);
    }
    return check;
  }
}

const invalid = (problem: string): ResponseValidation => ({ valid: false, problems: [problem] });
const verdict = (problems: string[]): ResponseValidation =>
  problems.length === 0 ? { valid: true } : { valid: false, problems };

let shared: ResponseValidator | undefined;

/** `new ResponseValidator().validate(...)` with one validator, built on first use from the OpenAPI builder. */
export function validateResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
  facts: ResponseFacts = {},
): ResponseValidation {
  shared ??= new ResponseValidator();
  return shared.validate(method, path, status, body, facts);
}

/**
 * Checks a notification nfvi-doctor delivered against the AsyncAPI description's message of
 * that name (e.g. Sol003AlarmNotification, AodhEventAlarm): its payload schema, with Ajv.
 */
export class MessageValidator {
  private readonly ajv: Ajv;
  private readonly messages: Json;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: AsyncApiDocument = asyncApiDocument()) {
    const rebasedDocument = rebased(document) as Json;
    this.messages = rebasedDocument.components?.messages ?? {};
    // AsyncAPI's schemas are JSON Schema draft-07 (lib/contracts/api-description/asyncapi-schema.ts).
    this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    this.ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: SCHEMAS_ID, $defs: rebasedDocument.components?.schemas ?? {} });
  }

  /** Throws, naming every problem, unless `body` is the named message's payload. */
  assert(message: string, body: unknown): void {
    let check = this.compiled.get(message);
    if (!check) {
      const payload = (this.messages[message] as Json | undefined)?.payload;
      if (!payload) throw new Error(`the AsyncAPI description has no message ${message}`);
      check = this.ajv.compile(payload);
      this.compiled.set(message, check);
    }
    if (!check(body)) {
      const problems = (check.errors ?? []).map(
        (e) => `${message}${e.instancePath || ''} ${e.message ?? 'is invalid'}`,
      );
      throw new Error(`the notification does not match the AsyncAPI description:\n  ${problems.join('\n  ')}`);
    }
  }
}
