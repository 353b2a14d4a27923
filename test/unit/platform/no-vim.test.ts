import type { Context } from 'aws-lambda';
import { localEnvironment } from '../../../infra/local/local-env';

const context = {
  functionName: 'test',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** A handler module loaded afresh with NFVI_VIM=none and VIM credentials that would fail to load if read. */
function handlerWithoutVim(module: string): (event: unknown, context: Context) => Promise<unknown> {
  const saved = { ...process.env };
  Object.assign(process.env, localEnvironment(), {
    NFVI_VIM: 'none',
    NFVI_VIM_CREDENTIALS_FILE: '/nonexistent/vim-credentials.json',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  let handler!: (event: unknown, context: Context) => Promise<unknown>;
  jest.isolateModules(() => {
    handler = (require(module) as { handler: typeof handler }).handler;
  });
  process.env = saved;
  return handler;
}

describe('Functions that work on the VIM, with no VIM configured', () => {
  it.each([
    ['the VIM adapter', '../../../functions/vim-adapter', { 'detail-type': 'FaultConfirmed', detail: {} }],
    ['its scheduled retry', '../../../functions/vim-retry', {}],
    ['the maintenance sweeper', '../../../functions/maintenance-sweeper', {}],
    ['the recovery sweeper', '../../../functions/recovery-sweeper', {}],
    ['the scheduled inventory sync', '../../../functions/inventory-sync', {}],
  ])('%s answers at once, without reading the VIM credentials', async (_what, module, event) => {
    // Act
    const result = await handlerWithoutVim(module)(event, context);

    // Assess
    expect(result).toEqual({ outcome: 'no-vim' });
  });
});
