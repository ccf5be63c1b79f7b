import { Application, Image, Service, Volume } from '../../../../constructs';
import type { MountSpec, VolumeSpec } from '../../../../constructs/model/spec';
import { validateModel } from '../../../../constructs/model/validate';
import { expectValidationError } from '../../../support/errors';
import { applicationSpec, serviceSpec, specPath } from '../../../support/spec-builders';
import { testStack } from '../../../support/test-app';

const IMAGE = Image.fromRegistry('public.ecr.aws/nginx/nginx:1.27');
const volume = (name: string): VolumeSpec => ({ name, path: specPath(name), permissions: '755' });
const mount = (path: string, volumeName = 'data'): MountSpec => ({
  volume: volumeName,
  path,
  readOnly: false,
});

/** The errors of one service `db` with `mounts` (of volumes `data` and `logs`) and `configFiles`. */
function errorsFor(mounts: MountSpec[], configFiles: { path: string; content: string }[] = []) {
  return validateModel(
    applicationSpec([serviceSpec('db', { mounts, ...(configFiles.length ? { configFiles } : {}) })], {
      volumes: [volume('data'), volume('logs')],
    }),
  ).errors;
}

describe('mount paths are compared as the container sees them', () => {
  test.each([
    ['/data', '/data/'],
    ['/data', '//data'],
    ['/srv/data', '/srv/data//'],
    ['/srv/data', '/srv//data/'],
  ])('%s and %s are one mount point', (first, second) => {
    const errors = errorsFor([mount(first), mount(second, 'logs')]);
    expect(errors).toEqual([
      {
        path: specPath('db'),
        prop: 'mounts[1].path',
        value: JSON.stringify(second),
        message: expect.stringContaining('is already a mount point of this workload'),
      },
    ]);
    if (first !== second) expect(errors[0].message).toContain(`(as "${first}")`);
  });

  test.each(['/data/../etc', '/data/..', '/../etc'])('%s, with a ".." segment, is rejected', (p) => {
    const errors = errorsFor([mount(p)]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ prop: 'mounts[0].path', value: JSON.stringify(p) });
    expect(errors[0].message).toContain('must not contain "." or ".." segments');
  });

  test('a "." segment is rejected too, and "//" alone is the root', () => {
    expect(errorsFor([mount('/./data')])[0].message).toContain('".." segments');
    expect(errorsFor([mount('//')])[0].message).toContain('not "/"');
  });

  test('a mount path written differently from a config file directory still clashes with it', () => {
    const errors = errorsFor([mount('/etc/app/')], [{ path: '/etc/app/settings.json', content: '{}' }]);
    expect(errors).toEqual([
      expect.objectContaining({
        prop: 'mounts[0].path',
        message: expect.stringContaining('is also where a config file is written'),
      }),
    ]);
    expect(
      errorsFor([mount('/etc//app/settings.json')], [{ path: '/etc/app/settings.json', content: '{}' }]),
    ).toHaveLength(1);
  });

  test('config file paths of a model are checked for "." and ".." segments too', () => {
    const errors = errorsFor([], [{ path: '/etc/../root/.profile', content: 'x' }]);
    expect(errors).toEqual([
      expect.objectContaining({ prop: 'configFiles[0].path', value: '"/etc/../root/.profile"' }),
    ]);
  });

  test('nested and distinct mount paths are fine', () => {
    expect(errorsFor([mount('/srv'), mount('/srv/logs', 'logs')])).toEqual([]);
  });
});

describe('Workload.addMount shares the rule', () => {
  const setup = () => {
    const application = new Application(testStack(), 'shop');
    return { application, data: new Volume(application, 'data'), logs: new Volume(application, 'logs') };
  };

  test('/data and /data/ in one workload are rejected at once', () => {
    const { application, data, logs } = setup();
    expectValidationError(
      () =>
        new Service(application, 'db', {
          image: IMAGE,
          mounts: [
            { volume: data, path: '/data' },
            { volume: logs, path: '/data/' },
          ],
        }),
      'shop/db: mounts[1].path "/data/" is already a mount point of this workload (as "/data")',
    );
  });

  test('/data/../etc is rejected at once', () => {
    const { application, data } = setup();
    expectValidationError(
      () =>
        new Service(application, 'db', { image: IMAGE, mounts: [{ volume: data, path: '/data/../etc' }] }),
      'shop/db: mounts[0].path "/data/../etc" must not contain "." or ".." segments',
    );
  });

  test('"//" is the root, and rejected as "/" is', () => {
    const { application, data } = setup();
    expectValidationError(
      () => new Service(application, 'db', { image: IMAGE, mounts: [{ volume: data, path: '//' }] }),
      'mounts[0].path "//" must be an absolute path inside the container, not "/"',
    );
  });
});
