import { ValidationError } from '../../../constructs/errors';
import { checkFargateSize, FARGATE_CPU_SIZES } from '../../../constructs/model/fargate';

const PATH = 'Stack/Shop/Api';

/** The Fargate task sizes of the AWS documentation, written out independently of the implementation. */
const SIZES: [number, number[]][] = [
  [256, [512, 1024, 2048]],
  [512, [1024, 2048, 3072, 4096]],
  [1024, [2048, 3072, 4096, 5120, 6144, 7168, 8192]],
  [2048, Array.from({ length: 13 }, (_, i) => 4096 + i * 1024)],
  [4096, Array.from({ length: 23 }, (_, i) => 8192 + i * 1024)],
  [8192, Array.from({ length: 12 }, (_, i) => 16384 + i * 4096)],
  [16384, Array.from({ length: 12 }, (_, i) => 32768 + i * 8192)],
];
const VALID: [number, number][] = SIZES.flatMap(([cpu, memories]) =>
  memories.map((m): [number, number] => [cpu, m]),
);

function rejection(cpu: number, memoryMiB: number): ValidationError {
  try {
    checkFargateSize(PATH, cpu, memoryMiB);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error(`expected cpu ${cpu} / memoryMiB ${memoryMiB} to be rejected`);
}

describe('checkFargateSize', () => {
  test('the table of valid sizes has the documented corners', () => {
    expect(SIZES[3][1].at(-1)).toBe(16384);
    expect(SIZES[4][1].at(-1)).toBe(30720);
    expect(SIZES[5][1].at(-1)).toBe(61440);
    expect(SIZES[6][1].at(-1)).toBe(122880);
  });

  test.each(VALID)('cpu %p with memoryMiB %p is accepted', (cpu, memoryMiB) => {
    expect(() => checkFargateSize(PATH, cpu, memoryMiB)).not.toThrow();
  });

  test.each([
    [256, 512],
    [512, 4096],
    [4096, 30720],
    [8192, 61440],
    [16384, 122880],
  ])('the documented example %p / %p is accepted', (cpu, memoryMiB) => {
    expect(() => checkFargateSize(PATH, cpu, memoryMiB)).not.toThrow();
  });

  test('FARGATE_CPU_SIZES lists every cpu size in ascending order', () => {
    expect(FARGATE_CPU_SIZES).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
  });

  test.each([300, 0, 128, 32768, 1000])('cpu %p is not a Fargate size', (cpu) => {
    const error = rejection(cpu, 512);
    expect(error.path).toBe(PATH);
    expect(error.prop).toBe('cpu');
    expect(error.problems[0].value).toBe(String(cpu));
    expect(error.message).toBe(
      `${PATH}: cpu ${cpu} is not a Fargate size; use 256, 512, 1024, 2048, 4096, 8192 or 16384`,
    );
  });

  test('memory that does not fit cpu 256 lists the three allowed sizes', () => {
    const error = rejection(256, 4096);
    expect(error.path).toBe(PATH);
    expect(error.prop).toBe('memoryMiB');
    expect(error.message).toBe(
      `${PATH}: memoryMiB 4096 does not fit cpu 256 on Fargate; use 512, 1024, 2048`,
    );
  });

  test.each([
    [512, 512, '1024 to 4096 in steps of 1024'],
    [1024, 1024, '2048 to 8192 in steps of 1024'],
    [2048, 2048, '4096 to 16384 in steps of 1024'],
    [4096, 32768, '8192 to 30720 in steps of 1024'],
    [8192, 18432, '16384 to 61440 in steps of 4096'],
    [16384, 36864, '32768 to 122880 in steps of 8192'],
  ])('cpu %p rejects memoryMiB %p and gives the allowed range', (cpu, memoryMiB, allowed) => {
    const error = rejection(cpu, memoryMiB);
    expect(error.prop).toBe('memoryMiB');
    expect(error.message).toBe(
      `${PATH}: memoryMiB ${memoryMiB} does not fit cpu ${cpu} on Fargate; use ${allowed}`,
    );
  });

  test('memory between two steps is rejected', () => {
    expect(rejection(1024, 2500).prop).toBe('memoryMiB');
    expect(rejection(8192, 20000).prop).toBe('memoryMiB');
  });
});
