import * as cdk from 'aws-cdk-lib';
import * as constructs from 'constructs';
import * as ts from 'typescript';
import * as twinstack from '../../constructs';

/**
 * Runs a file `twinstack import` generated as CommonJS, `twinstack` being the library, and returns its
 * exports; it may import only aws-cdk-lib, constructs and twinstack.
 */
export function evaluateGenerated(source: string): Record<string, unknown> {
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const load = (id: string): unknown => {
    const modules: Record<string, unknown> = { twinstack, 'aws-cdk-lib': cdk, constructs };
    if (Object.hasOwn(modules, id)) return modules[id];
    throw new Error(`the generated file imports ${id}`);
  };
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  return module.exports;
}
