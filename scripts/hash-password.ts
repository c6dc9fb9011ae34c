// Makes a console password hash for an operator (gateway/console/README.md#accounts):
//   npm run console:hash-password            (asks for the password twice, not echoed)
//   printf '%s' "$PASSWORD" | npm run -s console:hash-password
// prints `scrypt$ln=15,r=8,p=1$<salt>$<key>` for config/clients.dev.json's passwordHash or, in
// production, the variable an operator's passwordHashEnv names. The password is read from the
// terminal or stdin, never from the command line, so it stays out of shell history and `ps`.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { hashPassword } from '../gateway/auth/password-hash.ts';
import { exitAfterOutput } from '../gateway/shared/exit-after-output.ts';

const MIN_LENGTH = 12;

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
async function ask(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(question, resolve));
  muted = true;
  const text = await answer;
  rl.close();
  process.stderr.write('\n');
  return text;
}

async function main(): Promise<void> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await ask('Password (密码): ');
    if ((await ask('Again (再次输入): ')) !== password) {
      console.error('The two passwords differ (两次输入不一致)');
      return exitAfterOutput(1);
    }
  } else password = await readStdin();
  if (password.length < MIN_LENGTH) {
    console.error(
      `A console password has at least ${MIN_LENGTH} characters (密码至少 ${MIN_LENGTH} 位)`,
    );
    return exitAfterOutput(1);
  }
  console.log(await hashPassword(password));
}

await main();
