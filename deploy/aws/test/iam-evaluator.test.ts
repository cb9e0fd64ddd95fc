import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allows, type Statement } from './support/iam.js';

// The negative policy tests are only as good as this matcher: it must see through wildcards.
test('the policy matcher follows IAM wildcards in actions (any case) and resources', () => {
  const statements: Statement[] = [
    { Effect: 'Allow', Action: ['s3:Get*'], Resource: ['arn:aws:s3:::b/catalogue/*'] },
    { Effect: 'Allow', Action: ['SQS:*'], Resource: ['arn:aws:sqs:eu-west-1:1:q?'] },
  ];
  assert.equal(allows(statements, 's3:GetObjectVersion', 'arn:aws:s3:::b/catalogue/x/y'), true);
  assert.equal(allows(statements, 's3:PutObject', 'arn:aws:s3:::b/catalogue/x'), false);
  assert.equal(allows(statements, 's3:GetObject', 'arn:aws:s3:::b/inbox/x'), false);
  assert.equal(allows(statements, 's3:GetObject', 'arn:aws:s3:::bb/catalogue/x'), false);
  assert.equal(allows(statements, 'sqs:DeleteQueue', 'arn:aws:sqs:eu-west-1:1:q1'), true);
  assert.equal(allows(statements, 'sqs:DeleteQueue', 'arn:aws:sqs:eu-west-1:1:q12'), false);
});

test('the policy matcher takes conditions as met on an Allow and lets an unconditional Deny win', () => {
  const conditional: Statement = {
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: ['arn:aws:s3:::b'],
    Condition: { StringLike: { 's3:prefix': ['inbox/*'] } },
  };
  assert.equal(allows([conditional], 's3:ListBucket', 'arn:aws:s3:::b'), true);
  const deny: Statement = { Effect: 'Deny', Action: ['*'], Resource: ['*'] };
  assert.equal(allows([conditional, deny], 's3:ListBucket', 'arn:aws:s3:::b'), false);
});
