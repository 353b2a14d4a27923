import { destroyAwsClients } from '../../lib/platform/aws-clients';

afterAll(() => destroyAwsClients());
