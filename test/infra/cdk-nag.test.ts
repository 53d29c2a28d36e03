/**
 * The AWS Solutions and Serverless rule packs of cdk-nag, applied to the sample event's stack, to the
 * stack of an event still to come (the sample's doors all opened in 2021, so only the latter has
 * doors-open schedules) and to that of an event that trusts its own identity provider (no user pool):
 * no finding may be left unsuppressed, and every suppression is a reviewed, reasoned exception.
 */
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventStack } from '../../infra/stacks/event-stack.ts';
import { projectRoot, synthesizeEventStack } from './synth.ts';

interface Suppression {
  id: string;
  reason: string;
  applies_to?: unknown[];
}

describe.each([
  ['the sample event', `${projectRoot}events/hlc-2021.yaml`],
  ['an event still to come', `${projectRoot}test/fixtures/future-event.yaml`],
  ['an event with its own identity provider', `${projectRoot}test/infra/fixtures/external-idp-event.yaml`],
])('Stack: EventStack of %s', (_, event) => {
  let stack: EventStack;
  let annotations: Annotations;
  let suppressions: { resource: string; rule: Suppression }[];

  beforeAll(() => {
    // Prepare
    stack = synthesizeEventStack({
      event,
      // Findings are error annotations; report them to the test instead of failing the synthesis.
      '@aws-cdk/core:annotationsInValidationReport': false,
    });
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    Aspects.of(stack).add(new ServerlessChecks({ verbose: true }));
    // Act
    annotations = Annotations.fromStack(stack);
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Metadata?: { cdk_nag?: { rules_to_suppress?: Suppression[] } } }
    >;
    suppressions = Object.entries(resources).flatMap(([resource, r]) =>
      (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule) => ({ resource, rule })),
    );
  });

  const describeFindings = (findings: ReturnType<Annotations['findError']>) =>
    findings.map((f) => `${f.id}: ${String(f.entry.data).split(':')[0]}`);

  it('has no unsuppressed AwsSolutions or Serverless error', () => {
    // Assess
    expect(describeFindings(annotations.findError('*', Match.stringLikeRegexp('.*')))).toEqual([]);
  });

  it('has no unsuppressed AwsSolutions or Serverless warning', () => {
    // Assess
    expect(describeFindings(annotations.findWarning('*', Match.stringLikeRegexp('.*')))).toEqual([]);
  });

  it('suppresses only the reviewed rules, each with a reason a reviewer can check', () => {
    // Prepare
    const reviewed = [
      'AwsSolutions-COG2', // MFA optional for delegates, required of organizers by the token trigger
      'AwsSolutions-IAM5', // chime:CreateMeeting and meeting/* (ids known only at run time)
      'AwsSolutions-L1', // Node.js 22 is the runtime the project targets
      'Serverless-LambdaLatestVersion', // same
      // Active X-Ray tracing off: no code writes segments, and the X-Ray SDK reaches end of support
      'Serverless-LambdaTracing',
      // synchronous (API), CloudFormation-invoked (seed, record key fingerprint), SQS-driven (recorder), or failing over to an
      // on-failure destination instead (provisioner)
      'Serverless-LambdaDLQ',
      'Serverless-LambdaEventSourceMappingDestination', // SQS sources fail over through the queue's DLQ
      'Serverless-SQSRedrivePolicy', // the dead-letter queues themselves
      // The provisioning DLQ is an on-failure destination and a Scheduler DLQ, which cdk-nag does not
      // recognise as dead-letter uses (only redrive policies and function DeadLetterConfigs).
      'AwsSolutions-SQS3',
      // The every-minute room close: an undelivered tick is made good by the next one.
      'Serverless-EventBusDLQ',
      // The record buckets' access-log bucket: logging it into itself would log its own deliveries.
      'AwsSolutions-S1',
      // The console's distribution without a custom domain: CloudFront's default certificate (TLSv1 floor).
      'AwsSolutions-CFR4',
      // No geo restriction (delegations from every country), no WAF (static files only).
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      // The CDK's BucketDeployment function (the console's files): AWSLambdaBasicExecutionRole, its logs only.
      'AwsSolutions-IAM4',
    ];
    // Assess
    expect(suppressions.length).toBeGreaterThan(0);
    for (const { resource, rule } of suppressions) {
      expect(reviewed, `${resource}: ${rule.id}`).toContain(rule.id);
      expect(rule.reason.length, `${resource}: ${rule.id}`).toBeGreaterThanOrEqual(120);
    }
    const wildcardSuppressions = suppressions.filter(({ rule }) => rule.id === 'AwsSolutions-IAM5');
    for (const { resource, rule } of wildcardSuppressions) {
      // A blanket IAM5 suppression would hide the next wildcard someone adds: each names its resources.
      expect(rule.applies_to?.length, resource).toBeGreaterThan(0);
    }
  });
});
