import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Application, Image, Service } from '../../../constructs';
import { testStack } from '../../support/test-app';
import { expectValidationError } from '../../support/errors';

/** A fresh build context holding `files` (path relative to the context -> content). */
function context(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'twinstack-image-'));
  const dir = path.join(root, 'app');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function service(image: Image): Service {
  const application = new Application(testStack(), 'shop');
  return new Service(application, 'api', { image });
}

describe('Image.fromDirectory: build stages', () => {
  test('a stage of a FROM with a --platform flag is a valid target, in both twins', () => {
    const dir = context({
      'app/Dockerfile': 'FROM --platform=$BUILDPLATFORM node:20 AS build\nRUN npm ci\nFROM node:20-slim\n',
    });
    const api = service(Image.fromDirectory(dir, { target: 'build' }));
    expect(api.toSpec().image).toMatchObject({ kind: 'directory', target: 'build' });
  });

  test('stages named with ARG-based images, lower-case keywords and continuations', () => {
    const dir = context({
      'app/Dockerfile':
        '# syntax=docker/dockerfile:1\nARG BASE=node:20\nfrom ${BASE} as Deps\nFROM $BASE \\\n  AS dev\nFROM deps\n',
    });
    expect(
      service(Image.fromDirectory(dir, { target: 'deps', localTarget: 'DEV' })).toSpec().image,
    ).toMatchObject({
      target: 'deps',
      localTarget: 'DEV',
    });
  });

  test('a FROM inside a heredoc names no stage', () => {
    const dir = context({
      'app/Dockerfile': 'FROM node:20 AS build\nCOPY <<EOF /notes.txt\nFROM node:20 AS ghost\nEOF\n',
    });
    expectValidationError(
      () => service(Image.fromDirectory(dir, { target: 'ghost' })),
      'shop/api: image.target "ghost" is not a stage of Dockerfile; its stages are build',
    );
  });
});

describe('Image.fromDirectory: the Dockerfile is inside the build context', () => {
  test.each([
    ['../Dockerfile', 'Dockerfile'],
    ['../other/Dockerfile', 'other/Dockerfile'],
    ['sub/../../Dockerfile', 'Dockerfile'],
  ])('file %p is a ValidationError naming the remedy', (file, existing) => {
    const dir = context({ [existing]: 'FROM node:20\n', 'app/Dockerfile': 'FROM node:20\n' });
    expectValidationError(
      () => service(Image.fromDirectory(dir, { file })),
      `shop/api: image.file ${JSON.stringify(file)}`,
      'is outside the build context',
      'move the Dockerfile into the directory, or make the directory its parent',
    );
  });

  test('an absolute path is a ValidationError, also when it names a file inside the directory', () => {
    const dir = context({ 'app/Dockerfile': 'FROM node:20\n' });
    expectValidationError(
      () => service(Image.fromDirectory(dir, { file: path.join(dir, 'Dockerfile') })),
      'image.file',
      "give the Dockerfile's path relative to the directory",
    );
  });

  test('a directory, or no string, is no Dockerfile', () => {
    const dir = context({ 'app/docker/Dockerfile': 'FROM node:20\n' });
    expectValidationError(() => service(Image.fromDirectory(dir, { file: 'docker' })), 'image.file "docker"');
    expectValidationError(
      () => service(Image.fromDirectory(dir, { file: 5 as unknown as string })),
      'image.file 5',
    );
  });

  test('a path that leaves and re-enters the directory is recorded as the path inside it', () => {
    const dir = context({ 'app/docker/Dockerfile.prod': 'FROM node:20 AS build\n' });
    const file = '../app/docker/Dockerfile.prod';
    expect(service(Image.fromDirectory(dir, { file })).toSpec().image).toMatchObject({
      file: 'docker/Dockerfile.prod',
    });
    expect(
      service(Image.fromDirectory(dir, { file: 'docker/Dockerfile.prod' })).toSpec().image,
    ).toMatchObject({
      file: 'docker/Dockerfile.prod',
    });
  });
});
