import * as fs from 'fs';
import * as path from 'path';
import { dockerfileStageNames, dockerfileStages } from '../../../constructs/model/dockerfile';

/** Stage names in order, `null` for an unnamed stage. */
function names(text: string): (string | null)[] {
  return dockerfileStages(text).map((s) => s.name ?? null);
}

describe('dockerfileStages: BuildKit syntax', () => {
  test('flags on FROM, a platform among them', () => {
    const text =
      'FROM --platform=$BUILDPLATFORM node:20 AS build\nFROM --pull=always --platform=linux/arm64 node:20-slim\n';
    expect(dockerfileStages(text)).toEqual([
      { index: 0, name: 'build', from: 'node:20', platform: '$BUILDPLATFORM' },
      { index: 1, from: 'node:20-slim', platform: 'linux/arm64' },
    ]);
  });

  test('keywords in any case; names are compared in lower case', () => {
    expect(names('from node:20 As Build\n  From build as TEST\nfRoM scratch aS out')).toEqual([
      'build',
      'test',
      'out',
    ]);
  });

  test('blanks: tabs and several spaces between the words', () => {
    expect(names('FROM\tnode:20\t\tAS   build\n')).toEqual(['build']);
  });

  test('a FROM continued over several lines', () => {
    expect(names('FROM \\\n  --platform=$BUILDPLATFORM \\\n  node:20 \\\n  AS build\n')).toEqual(['build']);
  });

  test('comment lines and empty lines inside a continuation are skipped', () => {
    expect(names('FROM node:20 \\\n# the stage name follows\n\n    AS build\nFROM build AS test\n')).toEqual([
      'build',
      'test',
    ]);
  });

  test('a FROM inside a continued RUN is no stage', () => {
    expect(names('FROM node:20 AS build\nRUN echo \\\n FROM x AS y\nFROM build AS test')).toEqual([
      'build',
      'test',
    ]);
  });

  test('comment lines are no instructions, indented or not', () => {
    expect(names('# FROM a AS commented\n   # FROM b AS indented\nFROM c AS real')).toEqual(['real']);
  });

  test('# escape=` makes the backtick the continuation character and the backslash ordinary', () => {
    const text = '# escape=`\nFROM node:20 `\n  AS build\nRUN dir c:\\\nFROM build AS test\n';
    expect(names(text)).toEqual(['build', 'test']);
  });

  test('a parser directive counts only at the top, before any comment, empty line or instruction', () => {
    const atTop = '# syntax=docker/dockerfile:1\n# escape=`\nFROM x AS a\nRUN echo `\nFROM y AS b\n';
    expect(names(atTop)).toEqual(['a']);
    const afterInstruction = 'FROM x AS a\n# escape=`\nRUN echo `\nFROM y AS b\n';
    expect(names(afterInstruction)).toEqual(['a', 'b']);
    const afterEmptyLine = '\n# escape=`\nFROM x AS a\nRUN echo `\nFROM y AS b\n';
    expect(names(afterEmptyLine)).toEqual(['a', 'b']);
    const afterComment = '# a comment\n# escape=`\nFROM x AS a\nRUN echo `\nFROM y AS b\n';
    expect(names(afterComment)).toEqual(['a', 'b']);
  });

  test('ARG-based image names are kept as written', () => {
    const text =
      'ARG BASE=node:20\nARG VARIANT\nFROM ${BASE} AS build\nFROM $BASE\nFROM node:${VARIANT:-20}-slim AS run';
    expect(dockerfileStages(text)).toEqual([
      { index: 0, name: 'build', from: '${BASE}' },
      { index: 1, from: '$BASE' },
      { index: 2, name: 'run', from: 'node:${VARIANT:-20}-slim' },
    ]);
  });

  test('heredoc bodies of RUN, COPY and ADD are no instructions', () => {
    const text = [
      'FROM node:20 AS build',
      'RUN <<EOF',
      'FROM evil AS nope',
      'EOF',
      'COPY --chmod=755 <<-"SCRIPT" /entrypoint.sh',
      '\tFROM evil AS tabbed',
      '\tSCRIPT',
      'RUN <<one cat > /a && cat <<two > /b',
      'FROM first AS body',
      'one',
      'FROM second AS body',
      'two',
      "ADD <<'X' /x",
      'FROM quoted AS body',
      'X',
      'FROM build AS test',
    ].join('\n');
    expect(names(text)).toEqual(['build', 'test']);
  });

  test('<< in other instructions or in the exec form opens no heredoc', () => {
    const text = 'FROM a AS one\nENV X=<<EOF\nRUN ["sh", "-c", "cat <<EOF"]\nFROM b AS two\n';
    expect(names(text)).toEqual(['one', 'two']);
  });

  test('CRLF line endings and a byte-order mark', () => {
    expect(names('\uFEFF# escape=`\r\nFROM node:20 `\r\n  AS build\r\nFROM build AS test\r\n')).toEqual([
      'build',
      'test',
    ]);
  });

  test('a FROM BuildKit would reject is read as an unnamed stage', () => {
    expect(names('FROM a b\nFROM c AS\nFROM d AS e')).toEqual([null, null, 'e']);
  });

  test('dockerfileStageNames lists each named stage once', () => {
    expect(dockerfileStageNames('FROM a AS x\nFROM b\nFROM c AS X\nFROM d AS y')).toEqual(['x', 'y']);
  });
});

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'dockerfiles');

// Real multi-stage Dockerfiles (test/fixtures/dockerfiles/SOURCES.md) and the stages BuildKit reads in them.
const REAL_DOCKERFILES: [string, (string | null)[]][] = [
  [
    // syntax directive, ARG-based FROMs, --platform flags, RUN and COPY heredocs, a lower-case `as`
    'moby-buildkit',
    [
      'minio',
      'minio-mc',
      'alpine-amd64',
      'alpine-arm',
      'alpine-arm64',
      'alpine-s390x',
      'alpine-ppc64le',
      'alpine-riscv64',
      'alpinebase',
      'xx',
      'golatest',
      'git',
      'gobuild-base',
      'dlv',
      'runc-src',
      'runc',
      'buildkit-base',
      'buildkit-version',
      'buildctl',
      'buildkitd',
      'dnsname-src',
      'dnsname',
      'cni-plugins',
      'cni-plugins-export',
      'cni-plugins-export-squashed',
      'binaries-linux',
      'binaries-darwin',
      'binaries-windows',
      'binaries-freebsd',
      'binaries',
      'releaser',
      'release',
      'buildkit-export',
      'containerd-src',
      'containerd-base',
      'containerd',
      'containerd-alt-16',
      'registry',
      'rootlesskit',
      'stargz-snapshotter',
      'nydus',
      'gotestsum',
      'buildkit-linux',
      'buildkit-linux-debug',
      'buildkit-darwin',
      'buildkit-freebsd',
      'buildkit-windows',
      'integration-tests-base',
      'integration-tests',
      'dev-env',
      'rootless',
      'buildkit',
    ],
  ],
  [
    // --platform with a digest-pinned image, a stage name declared twice, an unnamed last stage
    'docker-buildx',
    [
      'dockerd-release',
      'xx',
      'golatest',
      'gobase',
      'buildx-version',
      'buildx-build',
      'test',
      'test-coverage',
      'binaries-unix',
      'binaries-darwin',
      'binaries-linux',
      'binaries-windows',
      'binaries',
      'releaser',
      'release',
      'dockerd-release',
      'shell',
      null,
    ],
  ],
  [
    // comment lines inside a continued RUN, FROM build-${BASE_VARIANT}
    'docker-cli',
    [
      'xx',
      'build-base-alpine',
      'build-alpine',
      'build-base-bullseye',
      'build-bullseye',
      'goversioninfo',
      'gotestsum',
      'build',
      'test',
      'test-coverage',
      'build-plugins',
      'e2e-base-alpine',
      'e2e-base-bullseye',
      'buildx',
      'e2e',
      'dev',
      'binary',
      'plugins',
    ],
  ],
  [
    // global ARGs selecting the base stage
    'docker-compose',
    ['docker-cli', 'build-alpine', 'build-debian', 'build', 'runtime-alpine', 'runtime-debian', 'runtime'],
  ],
  ['docker-docs-archive', ['builder', null]],
  // # escape=`, comment lines inside backtick continuations, FROM $REPO:tag
  ['dotnet-sdk-nanoserver', ['installer', null]],
  ['nextjs-with-docker', ['base', 'deps', 'builder', 'runner']],
];

describe.each(REAL_DOCKERFILES)('dockerfileStages: %s.Dockerfile', (name, expected) => {
  const text = fs.readFileSync(path.join(FIXTURES, `${name}.Dockerfile`), 'utf8');

  test('reads every stage, in order', () => {
    expect(names(text)).toEqual(expected);
  });
});

test('dockerfileStages: the platform and base of real stages', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'moby-buildkit.Dockerfile'), 'utf8');
  const stages = dockerfileStages(text);
  expect(stages.find((s) => s.name === 'golatest')).toEqual({
    index: 10,
    name: 'golatest',
    from: 'golang:${GO_VERSION}-alpine${ALPINE_VERSION}',
    platform: '$BUILDPLATFORM',
  });
  expect(stages[stages.length - 1].from).toBe('buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug}');
});

test('every fixture is listed in SOURCES.md and tested', () => {
  const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.Dockerfile'));
  const sources = fs.readFileSync(path.join(FIXTURES, 'SOURCES.md'), 'utf8');
  expect(files.sort()).toEqual(REAL_DOCKERFILES.map(([n]) => `${n}.Dockerfile`).sort());
  for (const file of files) expect(sources).toContain(`\`${file}\``);
});
