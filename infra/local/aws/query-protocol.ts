import { randomUUID } from 'node:crypto';

/**
 * The AWS Query protocol (SNS): form-encoded parameters, flattened lists and maps
 * (`Attributes.entry.1.key`, `PublishBatchRequestEntries.member.2.Message`), XML answers.
 */
export type QueryParams = Map<string, string>;

export const parseQuery = (body: string): QueryParams => new Map(new URLSearchParams(body));

/** A flattened map `<prefix>.entry.N.<keyName>` / `.<valueName>` as an object. */
export function queryMap(
  params: QueryParams,
  prefix: string,
  keyName = 'key',
  valueName = 'value',
): Record<string, string> {
  const map: Record<string, string> = {};
  for (let n = 1; params.has(`${prefix}.entry.${n}.${keyName}`); n++) {
    map[params.get(`${prefix}.entry.${n}.${keyName}`) as string] =
      params.get(`${prefix}.entry.${n}.${valueName}`) ?? '';
  }
  return map;
}

/** The members `<prefix>.member.N.*` of a flattened list, each as its own parameters (prefix removed). */
export function queryMembers(params: QueryParams, prefix: string): QueryParams[] {
  const members: QueryParams[] = [];
  for (let n = 1; [...params.keys()].some((key) => key.startsWith(`${prefix}.member.${n}.`)); n++) {
    const start = `${prefix}.member.${n}.`;
    members.push(
      new Map([...params].filter(([key]) => key.startsWith(start)).map(([k, v]) => [k.slice(start.length), v])),
    );
  }
  return members;
}

/** An SNS message attribute as Publish takes it. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`. */
export function messageAttributes(params: QueryParams, prefix = 'MessageAttributes'): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (let n = 1; params.has(`${prefix}.entry.${n}.Name`); n++) {
    const at = `${prefix}.entry.${n}.Value`;
    attributes[params.get(`${prefix}.entry.${n}.Name`) as string] = {
      DataType: params.get(`${at}.DataType`) ?? 'String',
      ...(params.has(`${at}.StringValue`) ? { StringValue: params.get(`${at}.StringValue`) } : {}),
      ...(params.has(`${at}.BinaryValue`) ? { BinaryValue: params.get(`${at}.BinaryValue`) } : {}),
    };
  }
  return attributes;
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );

/** XML of a value: strings escaped, arrays as <member>s, objects as elements, maps as <entry><key/><value/>. */
export type XmlValue =
  | string
  | number
  | boolean
  | undefined
  | XmlValue[]
  | { [element: string]: XmlValue }
  | XmlEntries;

/** A map the Query protocol writes as `<entry><key>..</key><value>..</value></entry>`. */
export class XmlEntries {
  constructor(readonly entries: Record<string, string>) {}
}

function xml(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof XmlEntries)
    return Object.entries(value.entries)
      .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${escapeXml(v)}</value></entry>`)
      .join('');
  if (Array.isArray(value)) return value.map((member) => `<member>${xml(member)}</member>`).join('');
  if (typeof value === 'object')
    return Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([element, inner]) => `<${element}>${xml(inner)}</${element}>`)
      .join('');
  return escapeXml(String(value));
}

const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>...</ResponseMetadata></ActionResponse>`. */
export function queryResponse(action: string, result?: Record<string, XmlValue>): string {
  const body = result === undefined ? '' : `<${action}Result>${xml(result)}</${action}Result>`;
  return `<${action}Response xmlns="${SNS_NAMESPACE}">${body}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

/** An error the Query protocol answers, with the code the SDK maps to its exception. */
export class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }

  xml(): string {
    return `<ErrorResponse xmlns="${SNS_NAMESPACE}"><Error><Type>${this.type}</Type><Code>${this.code}</Code><Message>${escapeXml(this.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  }
}

export const invalidParameter = (message: string) => new QueryError(400, 'InvalidParameter', message);
export const notFound = (message: string) => new QueryError(404, 'NotFound', message);
