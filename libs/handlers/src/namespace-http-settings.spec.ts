import { describe, expect, it } from '@jest/globals';

import { type NamespaceHttpSetting, NamespaceHttpSettings } from './namespace-http-settings.js';

/** A store of namespace settings that counts its reads and can be made to fail. */
class FakeSettingsSource {
  reads = 0;
  failing = false;
  webhookSecret = 'whsec_one';

  httpSettings(): Promise<NamespaceHttpSetting> {
    this.reads += 1;
    return this.failing
      ? Promise.reject(new Error('database unavailable'))
      : Promise.resolve({ webhookSecret: this.webhookSecret, httpAllowedTargets: ['10.0.0.0/8'] });
  }
}

describe(NamespaceHttpSettings.name, () => {
  it('should read a namespace once for every use within 30 seconds', async () => {
    const source = new FakeSettingsSource();
    const sut = new NamespaceHttpSettings(source);

    await sut.of('acme', 0);
    await sut.of('acme', 10_000);
    const settings = await sut.of('acme', 29_999);

    expect({ reads: source.reads, settings }).toEqual({
      reads: 1,
      settings: { webhookSecret: 'whsec_one', httpAllowedTargets: ['10.0.0.0/8'] },
    });
  });

  it('should read again after 30 seconds, so a rotated secret reaches every worker', async () => {
    const source = new FakeSettingsSource();
    const sut = new NamespaceHttpSettings(source);
    await sut.of('acme', 0);

    source.webhookSecret = 'whsec_two';
    const settings = await sut.of('acme', 30_000);

    expect({ reads: source.reads, secret: settings.webhookSecret }).toEqual({ reads: 2, secret: 'whsec_two' });
  });

  it('should keep each namespace apart', async () => {
    const source = new FakeSettingsSource();
    const sut = new NamespaceHttpSettings(source);

    await Promise.all([sut.of('acme', 0), sut.of('globex', 0)]);

    expect(source.reads).toBe(2);
  });

  it('should not keep a failed read: the next use reads again', async () => {
    const source = new FakeSettingsSource();
    const sut = new NamespaceHttpSettings(source);
    source.failing = true;
    await expect(sut.of('acme', 0)).rejects.toThrow('database unavailable');

    source.failing = false;
    await sut.of('acme', 1);

    expect(source.reads).toBe(2);
  });
});
