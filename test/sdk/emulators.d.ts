// The parts of the emulators' untyped packages the SDK tests use.

declare module 's3rver' {
  interface S3rverOptions {
    readonly address?: string;
    readonly port?: number;
    readonly silent?: boolean;
    readonly directory?: string;
    readonly resetOnClose?: boolean;
  }
  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<import('net').AddressInfo>;
    close(): Promise<void>;
  }
  export = S3rver;
}

declare module 's3rver/lib/models/account' {
  /** The account every request is authenticated against: its key pairs are the credentials s3rver accepts. */
  export const DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}

declare module 'dynalite' {
  interface DynaliteOptions {
    /** How long a new table stays CREATING, in milliseconds (500 by default). */
    readonly createTableMs?: number;
  }
  function dynalite(options?: DynaliteOptions): import('http').Server;
  export = dynalite;
}
