export * from './dozer/dozer-stack';
export * from './ecoseller/ecoseller-stack';
export * from './goals/goals-stack';
export * from './examples-app';
