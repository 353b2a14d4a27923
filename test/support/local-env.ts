import { useLocalEnvironment } from '../../infra/local/local-env';

useLocalEnvironment();
