/**
 * The import rules of the house (docs/architecture.md explains each). `npm run lint` runs them;
 * a violation fails CI with the rule's name.
 */
const BLOCKS = '^lib/(monitor|inspector|controller|notifier|maintenance|fencing|recovery|inventory)/';
const AWS_RUNTIME = '^node_modules/(@aws-sdk|@middy|@aws-lambda-powertools|@types/aws-lambda)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules never import each other in a loop: a loop has no layer to stand on.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contracts-stand-alone',
      severity: 'error',
      comment: 'Wire formats depend on nothing of the house: everything else depends on them.',
      from: { path: '^lib/contracts/', pathNot: '^lib/contracts/api-description/' },
      to: { path: '^(lib|functions|infra|test)/', pathNot: '^lib/contracts/(?!api-description/)' },
    },
    {
      name: 'api-description-reads-schemas-only',
      severity: 'error',
      comment:
        "The API descriptions are built from the wire formats and the blocks' schemas: pure, no adapter, platform or AWS runtime.",
      from: { path: '^lib/contracts/api-description/' },
      to: { path: `^(lib/(adapters|wiring|products|platform)|functions|infra|test)/|${AWS_RUNTIME}` },
    },
    {
      name: 'api-description-read-from-above',
      severity: 'error',
      comment: 'Only handlers, scripts and tests read the API descriptions: they sit above every room they describe.',
      from: { path: '^lib/', pathNot: '^lib/contracts/api-description/' },
      to: { path: '^lib/contracts/api-description/' },
    },
    {
      name: 'platform-below-the-blocks',
      severity: 'error',
      comment: 'Platform utilities serve every room and know none of them.',
      from: { path: '^lib/platform/' },
      to: { path: '^(lib|functions|infra|test)/', pathNot: '^lib/(platform|contracts)/' },
    },
    {
      name: 'blocks-import-no-adapter',
      severity: 'error',
      comment: "Doctor's blocks decide; they declare ports and never import an adapter, wiring or a product.",
      from: { path: BLOCKS },
      to: { path: '^(lib/(adapters|wiring|products)|functions|infra|test)/' },
    },
    {
      name: 'blocks-import-no-aws-runtime',
      severity: 'error',
      comment: "Doctor's blocks never import an AWS SDK, middy, Powertools or Lambda's types.",
      from: { path: BLOCKS },
      to: { path: AWS_RUNTIME },
    },
    {
      name: 'blocks-use-pure-platform-only',
      severity: 'error',
      comment:
        "Doctor's blocks may use the platform's pure helpers, not its AWS clients, config, logging or HTTP layer.",
      from: { path: BLOCKS },
      to: { path: '^lib/platform/(aws-clients|config|observability|stage-names|middleware|http|local-stack)' },
    },
    {
      name: 'adapters-never-import-wiring',
      severity: 'error',
      comment: "Adapters implement ports; composing them is the wiring's job.",
      from: { path: '^lib/adapters/' },
      to: { path: '^(lib/(wiring|products)|functions|infra|test)/' },
    },
    {
      name: 'wiring-below-the-handlers',
      severity: 'error',
      comment: "A composition root builds a function's adapters; it never imports a handler or a product.",
      from: { path: '^lib/wiring/' },
      to: { path: '^(lib/products|functions|infra|test)/' },
    },
    {
      name: 'handlers-import-wiring-use-cases-middleware',
      severity: 'error',
      comment: 'A handler is middleware, wiring and one use case: it never builds an adapter itself.',
      from: { path: '^functions/' },
      to: { path: '^(lib/(adapters|products)|infra|test)/' },
    },
    {
      name: 'products-stand-apart',
      severity: 'error',
      comment: 'The CLI, the collector daemon and the consumer kit ship on their own: no function wiring, no handler.',
      from: { path: '^lib/products/' },
      to: { path: '^(lib/wiring|functions|infra|test)/' },
    },
    {
      name: 'consumer-kit-needs-contracts-only',
      severity: 'error',
      comment:
        "The consumer kit runs inside VNF managers: it needs the notifications' contracts and nothing else of the house.",
      from: { path: '^lib/products/consumer-kit/' },
      to: { path: '^lib/', pathNot: '^lib/(contracts|products/consumer-kit)/' },
    },
    {
      name: 'lib-imports-no-tests',
      severity: 'error',
      comment: 'Production code never imports test or local-stack code.',
      from: { path: '^(lib|functions)/' },
      to: { path: '^(test|infra)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly:
      '^(lib|functions|infra|test)/|^node_modules/(@aws-sdk|@middy|@aws-lambda-powertools|@types/aws-lambda)',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
