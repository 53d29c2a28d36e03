import { App } from 'aws-cdk-lib';
import { ProgrammeError } from '#domain/programme.ts';
import { ConfigError, readDeployConfig } from './config.ts';
import { EventStack } from './stacks/event-stack.ts';

/**
 * The CDK app: one stack per event (and stage), from a programme file.
 *
 *   npx cdk synth -c event=events/hlc-2021.yaml [-c stage=prod] [-c chimeMediaRegion=eu-central-1]
 *
 * Synthesis needs no AWS account and no network: the stack is environment-agnostic and makes no lookups.
 * A bad programme file or context value prints what is wrong, where, and exits 1 (no stack trace).
 */
const app = new App();
try {
  const config = readDeployConfig(app.node);
  new EventStack(app, config.stackName, { config });
} catch (error) {
  if (error instanceof ProgrammeError || error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
