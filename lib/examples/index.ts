export * from './dozer/dozer-stack';
export * from './examples-app';
