// A generated compose project of N services for the import benchmark: the forms a real project mixes
// (anchors and merge keys, interpolation with defaults, short and long ports and volumes, environment
// lists and env files, depends_on chains with conditions, health checks, build sections, labels,
// ulimits) and an override file over every fifth service.
import * as fs from 'fs';
import * as path from 'path';

/** Writes `compose.yaml`, `compose.override.yaml`, `.env` and the env files of N services into `dir`. */
export function writeComposeProject(dir: string, services: number): string[] {
  const lines = [
    'name: bench',
    'x-defaults: &defaults',
    '  restart: unless-stopped',
    '  logging:',
    '    driver: json-file',
    '    options: {max-size: 10m}',
    '  labels:',
    '    - com.example.team=core',
    'services:',
  ];
  const override = ['services:'];
  for (let i = 0; i < services; i++) {
    const s = `svc${i}`;
    lines.push(
      `  ${s}:`,
      '    <<: *defaults',
      i % 3 === 0
        ? `    build:\n      context: ./${s}\n      args: ["VERSION=\${VERSION:-1}"]`
        : `    image: "repo/${s}:\${TAG:-latest}"`,
      `    command: node server.js --port ${3000 + i}`,
      '    environment:',
      `      - PORT=${3000 + i}`,
      `      - DATABASE_URL=postgres://app:\${DB_PASSWORD:-secret}@db:5432/${s}`,
      '      - PASS_THROUGH',
      `    env_file: ${s}.env`,
      '    ports:',
      `      - "${10000 + i}:${3000 + i}"`,
      `      - target: ${9000 + i}`,
      '        protocol: udp',
      '    volumes:',
      `      - ./data/${s}:/data:ro`,
      '      - cache:/cache',
      '    healthcheck:',
      `      test: curl -f http://localhost:${3000 + i}/health || exit 1`,
      '      interval: 30s',
      '      timeout: 5s',
      '      retries: 3',
      '    ulimits:',
      '      nofile: 65536',
    );
    if (i > 0) lines.push('    depends_on:', `      svc${i - 1}:`, '        condition: service_healthy');
    if (i % 5 === 0)
      override.push(`  ${s}:`, '    environment:', '      - DEBUG=1', '    ports: ["20000-20001:8000-8001"]');
    fs.writeFileSync(path.join(dir, `${s}.env`), `# ${s}\nLOG_LEVEL=info\nNAME="${s}"\nREF=\${LOG_LEVEL}\n`);
  }
  lines.push('volumes:', '  cache:');
  fs.writeFileSync(path.join(dir, 'compose.yaml'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'compose.override.yaml'), `${override.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, '.env'), 'TAG=1.2.3\n');
  return [path.join(dir, 'compose.yaml'), path.join(dir, 'compose.override.yaml')];
}
