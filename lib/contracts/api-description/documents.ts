import { asyncApiDocument } from './asyncapi';
import { openApiDocument } from './openapi';

/** Where the generated documents are kept, relative to the repository. */
export const OPENAPI_FILE = 'docs/openapi.json';
export const ASYNCAPI_FILE = 'docs/asyncapi.json';

const asText = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

/** The files `npm run api:describe` writes, with their text: what the builders give now. */
export function apiDescriptionFiles(): Record<string, string> {
  return { [OPENAPI_FILE]: asText(openApiDocument()), [ASYNCAPI_FILE]: asText(asyncApiDocument()) };
}
