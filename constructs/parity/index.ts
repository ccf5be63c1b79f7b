export * from './stand-ins';
export * from './cloud-twin';
export * from './image-builds';
export * from './check-parity';
export * from './format-report';
export * from './parity-error';
