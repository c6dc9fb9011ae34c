// 贵州 platform message security (GB/T 39786 level 3, schemas/README.md#national-cryptography): the
// business JSON is SM4-CBC encrypted with the shared key (16 bytes, hex) under a fresh random IV
// per message, then the envelope is SM2-signed by the sender (encrypt-then-sign, so a flipped
// ciphertext bit fails the signature before anything is decrypted). SM2 via sm-crypto-v2 (on
// @noble/curves: a signature in ≈ 5 ms where sm-crypto's BigInteger code took ≈ 150, on this
// machine under load; signatures of either verify with the other). Node's
// built-in SM2 cannot set the GB/T 32918 user id, and the platform uses the default
// 1234567812345678 with SM3 digest (hash: true) and a raw r||s signature (der: false, 128 hex
// chars).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';

export const SM2_USER_ID = '1234567812345678';

export interface SealedData {
  /** IV as 32 lowercase hex chars. */
  iv: string;
  /** Ciphertext, base64. */
  data: string;
}

function sm4Key(keyHex: string): Buffer {
  const key = Buffer.from(keyHex, 'hex');
  if (key.length !== 16) throw new Error('SM4 key must be 16 bytes (32 hex chars)');
  return key;
}

export function sm4Encrypt(keyHex: string, plaintext: string): SealedData {
  const iv = randomBytes(16);
  const cipher = createCipheriv('sm4-cbc', sm4Key(keyHex), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('hex'), data: data.toString('base64') };
}

/** Throws when the key, IV or padding is wrong. */
export function sm4Decrypt(keyHex: string, sealed: SealedData): string {
  const iv = Buffer.from(sealed.iv, 'hex');
  if (iv.length !== 16) throw new Error('IV must be 16 bytes');
  const decipher = createDecipheriv('sm4-cbc', sm4Key(keyHex), iv);
  return Buffer.concat([
    decipher.update(Buffer.from(sealed.data, 'base64')),
    decipher.final(),
  ]).toString('utf8');
}

/**
 * The signed text: every envelope field except `sign`, sorted by name, as name=value joined by
 * '&'. Values are used as sent (the ciphertext is base64, so no escaping question arises).
 */
export function signingText(envelope: Record<string, unknown>): string {
  return Object.keys(envelope)
    .filter((k) => k !== 'sign' && envelope[k] !== undefined && envelope[k] !== null)
    .sort()
    .map((k) => `${k}=${String(envelope[k])}`)
    .join('&');
}

export interface Sm2KeyPair {
  privateKey: string;
  publicKey: string;
}

export function sm2Sign(text: string, keys: Sm2KeyPair): string {
  // Passing the public key saves deriving it from the private key on every call.
  return sm2.doSignature(text, keys.privateKey, {
    hash: true,
    der: false,
    publicKey: keys.publicKey,
    userId: SM2_USER_ID,
  });
}

export function sm2Verify(text: string, signHex: unknown, publicKey: string): boolean {
  if (typeof signHex !== 'string' || !/^[0-9a-fA-F]{128}$/.test(signHex)) return false;
  try {
    return sm2.doVerifySignature(text, signHex, publicKey, {
      hash: true,
      der: false,
      userId: SM2_USER_ID,
    });
  } catch {
    return false;
  }
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey, publicKey };
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}
