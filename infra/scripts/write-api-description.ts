/**
 * `npm run api:describe`: writes the OpenAPI document of the HTTP routes (docs/openapi.json)
 * and the AsyncAPI document of the notifications, callbacks and bus events (docs/asyncapi.json),
 * both generated from the zod schemas (lib/contracts/api-description/). A unit test fails while
 * the files differ from what the builders give.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDescriptionFiles } from '../../lib/contracts/api-description/documents';

const ROOT = join(__dirname, '..', '..');

for (const [file, text] of Object.entries(apiDescriptionFiles())) {
  writeFileSync(join(ROOT, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
