export * from './dozer/dozer-stack';
export * from './ecoseller/ecoseller-stack';
export * from './goals/goals-stack';
export * from './valawai/valawai-stack';
export * from './workflows/workflows-stack';
export * from './workflows/workflows-stages';
export * from './examples-app';
