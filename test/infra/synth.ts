/**
 * Synthesis for the infrastructure tests: the same feature flags as `cdk synth` (read from cdk.json),
 * with esbuild bundling skipped (`aws:cdk:bundling-stacks: []`) so a stack synthesizes in seconds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { readDeployConfig } from '../../infra/config.ts';
import { EventStack, type EventStackProps } from '../../infra/stacks/event-stack.ts';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

const cdkJson = JSON.parse(readFileSync(`${projectRoot}cdk.json`, 'utf8')) as { context: object };

export function appWith(context: Record<string, unknown>): App {
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
}

export function synthesizeEventStack(
  context: Record<string, unknown>,
  props: Omit<EventStackProps, 'config'> = {},
): EventStack {
  const app = appWith(context);
  const config = readDeployConfig(app.node);
  return new EventStack(app, config.stackName, { ...props, config });
}

/**
 * What a private bucket of the stack's shows in its template: all public access blocked, encrypted at
 * rest, ACLs off, and its server access logs in `logsBucketId` (the record's access-log bucket).
 */
export const privateLoggedBucket = (logsBucketId: string) => ({
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
  BucketEncryption: {
    ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
  },
  LoggingConfiguration: { DestinationBucketName: { Ref: logsBucketId } },
});
