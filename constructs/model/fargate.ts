import { invalid } from '../errors';

/** Memory sizes (MiB) Fargate accepts for each CPU size (CPU units). */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export const FARGATE_CPU_SIZES: readonly number[] = [...FARGATE_SIZES.keys()];

function describeMemory(sizes: readonly number[]): string {
  if (sizes.length <= 3) return sizes.join(', ');
  const step = sizes[1] - sizes[0];
  return `${sizes[0]} to ${sizes[sizes.length - 1]} in steps of ${step}`;
}

/** Throws unless `cpu`/`memoryMiB` is a combination Fargate runs. */
export function checkFargateSize(path: string, cpu: number, memoryMiB: number): void {
  const memories = FARGATE_SIZES.get(cpu);
  if (!memories) {
    throw invalid(
      path,
      'cpu',
      cpu,
      `is not a Fargate size; use ${FARGATE_CPU_SIZES.slice(0, -1).join(', ')} or ${FARGATE_CPU_SIZES.at(-1)}`,
    );
  }
  if (!memories.includes(memoryMiB)) {
    throw invalid(
      path,
      'memoryMiB',
      memoryMiB,
      `does not fit cpu ${cpu} on Fargate; use ${describeMemory(memories)}`,
    );
  }
}
