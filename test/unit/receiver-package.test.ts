// The `herald/receiver` subpath export: package.json points "./receiver" (and ".") at files the build
// (tsconfig.build.json: src → dist, with declarations) produces from existing sources, with types,
// and the module exports what README.md's "Receiving webhooks" uses. (Building takes a minute on
// this machine, so the build itself is not run here: the paths are derived from its settings.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; import: string } | string>;
};
const build = JSON.parse(readFileSync(new URL('tsconfig.build.json', ROOT), 'utf8')) as {
  compilerOptions: { rootDir: string; outDir: string; declaration?: boolean };
};

/** The source file the build turns into `built` (./dist/x/y.js or .d.ts → src/x/y.ts). */
function sourceOf(built: string): URL {
  const { rootDir, outDir } = build.compilerOptions;
  const relative = built.replace(/^\.\//, '');
  assert.ok(relative.startsWith(`${outDir}/`), `${built} is under ${outDir}/`);
  return new URL(`${rootDir}/${relative.slice(outDir.length + 1).replace(/\.d\.ts$|\.js$/, '.ts')}`, ROOT);
}

describe('the herald/receiver package export', () => {
  it('maps ./receiver and . to built files with types, from sources that exist', () => {
    assert.equal(pkg.name, 'herald');
    assert.equal(build.compilerOptions.declaration, true, 'the build emits .d.ts files');
    for (const subpath of ['.', './receiver']) {
      const target = pkg.exports[subpath];
      assert.ok(target && typeof target === 'object', `${subpath} is exported with conditions`);
      assert.match(target.types, /\.d\.ts$/);
      assert.equal(target.types.replace(/\.d\.ts$/, ''), target.import.replace(/\.js$/, ''), 'types beside the code');
      assert.ok(existsSync(sourceOf(target.import)), `${target.import} is built from ${sourceOf(target.import).pathname}`);
    }
    assert.ok(existsSync(sourceOf(`./${pkg.bin['herald']}`)), 'the bin still points at the built CLI');
  });

  it('exports what the README uses', async () => {
    const target = pkg.exports['./receiver'] as { import: string };
    const mod = (await import(sourceOf(target.import).href)) as Record<string, unknown>;
    for (const name of [
      'verify',
      'verifyStandardWebhooks',
      'verifyJwt',
      'nodeHandler',
      'verifyNodeRequest',
      'readRawBody',
      'expressVerifier',
      'fastifyVerifier',
      'rawBodyParser',
      'webhookOf',
      'RawBodyUnavailableError',
    ]) {
      assert.equal(typeof mod[name], 'function', name);
    }
    assert.equal(mod['DEFAULT_TOLERANCE_SECONDS'], 300);
  });
});
