/**
 * The table actions the roles are granted are exactly the ones the code
 * sends: a grant no code uses is a permission an attacker could use for
 * free, and a command with no grant fails only in AWS. The commands are read
 * from the source, so adding a `new DeleteCommand(...)` without its grant
 * (or dropping the last one while keeping the grant) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '#infra/constructs/app-function.ts';

/** Document-client and low-level command names → the IAM action each needs. */
const ACTION_OF: Record<string, string> = {
  Get: 'dynamodb:GetItem',
  BatchGet: 'dynamodb:BatchGetItem',
  Query: 'dynamodb:Query',
  Scan: 'dynamodb:Scan',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  BatchWrite: 'dynamodb:BatchWriteItem',
  TransactWrite: 'dynamodb:TransactWriteItems',
  TransactGet: 'dynamodb:TransactGetItems',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function dynamoActionsUsed(): Set<string> {
  const used = new Set<string>();
  for (const file of sourceFiles(path.resolve('functions'))) {
    const src = readFileSync(file, 'utf8');
    if (!/@aws-sdk\/(lib-dynamodb|client-dynamodb)/.test(src)) continue;
    for (const m of src.matchAll(/new (\w+?)(?:Item)?Command\(/g)) {
      const action = ACTION_OF[m[1]!];
      if (action) used.add(action);
    }
  }
  return used;
}

describe('IAM: table actions', () => {
  it('grants exactly the DynamoDB actions the functions send, no more and no fewer', () => {
    const granted = new Set<string>([...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]);
    expect([...dynamoActionsUsed()].sort()).toEqual([...granted].sort());
  });

  it('finds the commands it looks for (the scan itself is not blind)', () => {
    const used = dynamoActionsUsed();
    expect(used.has('dynamodb:UpdateItem')).toBe(true);
    expect(used.has('dynamodb:Query')).toBe(true);
  });
});
