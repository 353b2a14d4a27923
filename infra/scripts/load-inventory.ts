/**
 * `npm run inventory:load -- --stage <stage> [--file <path>]`: loads an inventory file into a
 * deployed stage (AWS credentials and region from the usual AWS environment) or, with
 * `--stage local`, into the running local stack. The file defaults to NFVI_DOCTOR_INVENTORY,
 * then to the demo inventory. Until the VIM sync exists, this is how the inventory is fed.
 */
import { parseArgs } from 'node:util';
import { destroyAwsClients } from '../../lib/platform/aws-clients';
import { LOCAL_STAGE } from '../../lib/platform/local-stack/local-endpoints';
import { inventoryPath, loadInventoryFile } from '../local/bootstrap';
import { useLocalEnvironment } from '../local/local-env';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { stage: { type: 'string' }, file: { type: 'string' } } });
  if (!values.stage) throw new Error('--stage is required (e.g. --stage prod, or --stage local)');
  if (values.stage === LOCAL_STAGE) useLocalEnvironment();
  const file = values.file ?? inventoryPath();
  const loaded = await loadInventoryFile(file, values.stage);
  process.stdout.write(
    `loaded ${file} into stage ${values.stage}: ${loaded.hosts} hosts, ${loaded.instances} instances, ${loaded.tenants.size} tenant topics\n`,
  );
  for (const [tenant, arn] of loaded.tenants) process.stdout.write(`  ${tenant}  ${arn}\n`);
  destroyAwsClients();
}

main().catch((error: unknown) => {
  process.stderr.write(`inventory:load failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
