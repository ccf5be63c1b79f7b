import type { ValidationProblem } from '../../errors';
import { problem } from './problems';

/** The local twin's DynamoDB stand-in (DynamoDB Local). */
export const DYNAMODB_STAND_IN = 'aws-dynamodb';

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** DynamoDB's rule for table names: 3 to 255 letters, digits, "_", "-" or ".". */
export function tableNameProblem(path: string, prop: string, name: unknown): ValidationProblem | undefined {
  if (typeof name !== 'string' || !TABLE_NAME.test(name))
    return problem(
      path,
      prop,
      name,
      'is not a valid table name; use 3 to 255 letters, digits, "_", "-" or "."',
    );
  return undefined;
}

/** DynamoDB's rule for index names: the same as for table names. */
export function indexNameProblem(path: string, prop: string, name: unknown): ValidationProblem | undefined {
  if (typeof name !== 'string' || !TABLE_NAME.test(name))
    return problem(
      path,
      prop,
      name,
      'is not a valid index name; use 3 to 255 letters, digits, "_", "-" or "."',
    );
  return undefined;
}
