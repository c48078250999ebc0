// Every test runs with fake AWS credentials and region, so an SDK client built by accident can
// sign a request but never with real credentials; and a demo's saved account goes to a temp folder.
import os from 'node:os';
import path from 'node:path';

process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEFORTESTS0000';
process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-tests';
process.env.AWS_SESSION_TOKEN = 'fake-session-token';
process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_DEFAULT_REGION = 'eu-west-1';
delete process.env.AWS_PROFILE;
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.NO_COLOR = '1';
// `demo` saves its account when it ends (so `report` can draw it): tests keep that out of the repo.
process.env.SM_ROLLOUT_DEMO_DIR ??= path.join(os.tmpdir(), `sm-rollout-demo-tests-${process.pid}`);
