import type { Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import { DockerConfigCredentials, authKeyHost } from '../engine/index.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { dockerConfigPath, withEngine } from './engine-factory.js';

interface LoginOptions {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}

/**
 * `login [-u USER] [-p PASS | --password-stdin] [SERVER]`: checks the credentials against the
 * registry (a token, or Basic accepted), then stores them in Docker's config.json `auths`, where
 * `docker` and `skopeo` find them too. Non-interactive: the password comes from -p or stdin.
 */
async function login(env: CommandEnv, server: string | undefined, o: LoginOptions): Promise<number> {
  const target = server ?? 'docker.io';
  if (o.username === undefined || o.username === '') {
    throw new UsageError('login: a username is required (-u USER)');
  }
  if (o.password !== undefined && o.passwordStdin)
    throw new UsageError('login: --password and --password-stdin are mutually exclusive');
  let password = o.password;
  if (o.passwordStdin) password = (await readAll(env.ctx.stdin)).replace(/\r?\n$/, '');
  if (password === undefined || password === '') {
    throw new UsageError('login: a password is required (--password-stdin, or -p)');
  }
  if (o.password !== undefined)
    env.ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  await withEngine(env, (engine) =>
    engine.images.login(target, { username: o.username!, password: password!, signal: env.ctx.signal }),
  );
  const store = new DockerConfigCredentials(dockerConfigPath(env.ctx.env));
  await store.store(target, o.username, password);
  env.ctx.stdout.write('Login Succeeded\n');
  return 0;
}

async function logout(env: CommandEnv, server: string | undefined): Promise<number> {
  const target = server ?? 'docker.io';
  const store = new DockerConfigCredentials(dockerConfigPath(env.ctx.env));
  if (await store.remove(target))
    env.ctx.stdout.write(`Removing login credentials for ${authKeyHost(target)}\n`);
  else env.ctx.stdout.write(`Not logged in to ${authKeyHost(target)}\n`);
  return 0;
}

export function registerLoginCommands(program: Command, runner: CommandRunner): void {
  program
    .command('login')
    .description('log in to a registry (credentials are kept in Docker’s config.json)')
    .argument('[server]', 'registry host[:port] (default docker.io)')
    .option('-u, --username <user>', 'username')
    .option('-p, --password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from stdin')
    .action(runner.action<[string | undefined, LoginOptions]>(login));
  program
    .command('logout')
    .description('remove stored credentials for a registry')
    .argument('[server]', 'registry host[:port] (default docker.io)')
    .action(runner.action<[string | undefined]>(logout));
}
