import { chmod, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStorageVault } from '../../main/electron/safe-storage-vault.js';
import { pickedConnection, startingConnection, storeDirOf } from '../../main/engine/settings/connections.js';
import { FileVault, passwordKey } from '../../main/engine/settings/secret-vault.js';
import { SettingsFile } from '../../main/engine/settings/settings-file.js';
import { fieldProblems, type KafkaConnection, kafkaConnectionSchema } from '../../shared/settings.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'c360-settings-'));

const prod: KafkaConnection = {
  kind: 'kafka',
  name: 'Prod cluster',
  brokers: 'k1.example:9093, k2.example:9093',
  topics: { clickstream: 'clickstream', predictions: 'predictions', customers: '' },
  sasl: { mechanism: 'scram-sha-512', username: 'desk' },
  tls: { ca: '/etc/ssl/corp-ca.pem', cert: '', key: '', rejectUnauthorized: true },
  group: '',
  from: 'earliest',
  deadLetterTopic: '',
};

describe('the settings file', () => {
  it('keeps connections, the threshold and the choice across a restart, with no password in it', async () => {
    const dir = await tempDir();
    const vault = FileVault.inDataDir(dir);
    const { settings } = await SettingsFile.open(dir);
    const saved = await settings.saveConnection(prod);
    expect(saved.id).toBe('prod-cluster');
    await vault.set(passwordKey(saved.id), 'hunter2-but-longer');
    await settings.update((s) => {
      s.churnThreshold = 0.35;
      s.active = saved.id;
    });

    const again = await SettingsFile.open(dir);
    expect(again.notice).toBeNull();
    expect(again.settings.data).toMatchObject({ churnThreshold: 0.35, active: 'prod-cluster' });
    expect(again.settings.connection('prod-cluster')).toEqual(saved);
    const onDisk = await readFile(join(dir, 'settings.json'), 'utf8');
    expect(onDisk).not.toContain('hunter2');
    // The password: only in the vault's file, readable by its owner alone.
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await vault.get(passwordKey('prod-cluster'))).toBe('hunter2-but-longer');
  });

  it('moves a damaged settings file aside and starts from the defaults, saying so', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'settings.json'), '{"version":1,"churnThreshold":"high"}');
    const { settings, notice } = await SettingsFile.open(dir);
    expect(notice).toMatch(
      /could not be read \(churnThreshold: .*\); it was moved to .*settings\.json\.damaged-/,
    );
    expect(settings.data.churnThreshold).toBe(0.2);
    expect((await readdir(dir)).some((f) => f.startsWith('settings.json.damaged-'))).toBe(true);
  });

  it('narrows a secrets file someone made readable to others', async () => {
    const dir = await tempDir();
    const vault = FileVault.inDataDir(dir);
    await vault.set('k', 'v');
    await chmod(join(dir, 'secrets.json'), 0o644);
    expect(await vault.get('k')).toBe('v');
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('which connection runs', () => {
  async function withSaved() {
    const dir = await tempDir();
    const vault = FileVault.inDataDir(dir);
    const { settings } = await SettingsFile.open(dir);
    const saved = await settings.saveConnection({ ...prod, tls: null });
    await vault.set(passwordKey(saved.id), 'from-the-vault');
    await settings.update((s) => {
      s.active = saved.id;
    });
    return { dir, vault, settings };
  }

  it('is the saved one with its secret, when nothing outside the settings file sets brokers', async () => {
    const { vault, settings } = await withSaved();
    const c = await startingConnection(settings, vault, {});
    expect(c).toMatchObject({ id: 'prod-cluster', kind: 'kafka', origin: 'settings' });
    if (c.kind !== 'kafka') throw new Error('kafka expected');
    expect(c.settings.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'desk',
      password: 'from-the-vault',
    });
    expect(c.settings.brokers).toEqual(['k1.example:9093', 'k2.example:9093']);
  });

  it('follows flag > environment > config file > settings file, field by field', async () => {
    const { vault, settings } = await withSaved();
    const byEnv = await startingConnection(settings, vault, {
      env: { brokers: 'env-broker:9092' },
      configFile: { brokers: 'file-broker:9092', group: 'from-file' },
    });
    expect(byEnv).toMatchObject({ id: 'environment-env-broker-9092', origin: 'environment' });
    if (byEnv.kind !== 'kafka') throw new Error('kafka expected');
    expect(byEnv.settings.brokers).toEqual(['env-broker:9092']);
    expect(byEnv.settings.group).toBe('from-file'); // a field the environment left unset
    expect(byEnv.settings.sasl?.password).toBe('from-the-vault'); // and one only the settings file set
    const byFlag = await startingConnection(settings, vault, {
      flags: { brokers: 'flag-broker:9092' },
      env: { brokers: 'env-broker:9092' },
    });
    expect(byFlag).toMatchObject({ origin: 'command line', id: 'command-line-flag-broker-9092' });
  });

  it('is the demo with no brokers anywhere; each connection has its own store folder', async () => {
    const dir = await tempDir();
    const { settings } = await SettingsFile.open(dir);
    const vault = FileVault.inDataDir(dir);
    expect(await startingConnection(settings, vault, {})).toMatchObject({ id: 'demo', kind: 'demo' });
    expect(await pickedConnection(settings, vault, 'nope')).toBeNull();
    expect(storeDirOf(dir, 'prod-cluster')).toBe(join(dir, 'stores', 'prod-cluster'));
  });
});

describe('one schema for the form and the engine', () => {
  it('words each bad field so the form can show it next to the field', () => {
    const problems = fieldProblems(kafkaConnectionSchema, {
      ...prod,
      name: ' ',
      brokers: 'k1.example',
      topics: { clickstream: 'click stream', predictions: 'predictions', customers: '' },
      tls: { ca: '', cert: '/c.pem', key: '', rejectUnauthorized: true },
    });
    expect(problems).toEqual([
      { path: 'name', message: 'Give the connection a name' },
      { path: 'brokers', message: 'Write each server as host:port, separated by commas' },
      {
        path: 'topics.clickstream',
        message: 'A topic name is 1–249 letters, digits, dots, underscores or hyphens',
      },
      { path: 'tls.key', message: 'A client certificate needs its key, and a key its certificate' },
    ]);
  });
});

describe('the desktop vault (safeStorage)', () => {
  const keychain = (backend: string) => ({
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => Buffer.from(`x${[...s].reverse().join('')}`),
    decryptString: (b: Buffer) => [...b.toString().slice(1)].reverse().join(''),
  });

  it('writes only ciphertext when a keychain is there', async () => {
    const dir = await tempDir();
    const vault = new SafeStorageVault(keychain('gnome_libsecret'), FileVault.inDataDir(dir), 'linux');
    await vault.set('k', 'plain-password');
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toMatch(/plain-password|drowssap-nialp/);
    expect(await vault.get('k')).toBe('plain-password');
    expect(vault.description).toMatch(/system keychain/);
  });

  it('says so when Linux has no keychain (safeStorage would use a fixed key), and keeps the 0600 file', async () => {
    const dir = await tempDir();
    const vault = new SafeStorageVault(keychain('basic_text'), FileVault.inDataDir(dir), 'linux');
    expect(vault.description).toMatch(/no system keychain was found, so a file only you can read/);
    await vault.set('k', 'v');
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });
});
