export * from './dozer/dozer-stack';
export * from './goals/goals-stack';
export * from './examples-app';
