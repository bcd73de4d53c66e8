// vitest globalSetup of the `browser` project: runs the fake presigned store in Node for the
// Chromium upload tests, which read its origin with `inject('presignedStoreOrigin')`.
import type { TestProject } from 'vitest/node';
import { startFakePresignedStore } from './fake-presigned-store';

declare module 'vitest' {
  export interface ProvidedContext {
    presignedStoreOrigin: string;
  }
}

export default async function setup(project: TestProject) {
  const store = await startFakePresignedStore();
  project.provide('presignedStoreOrigin', store.origin);
  return () => store.close();
}
