import { describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { chunkRetryDelaysMs, uploadInChunks, type UploadProgress } from './chunked-upload';

const ignore = () => undefined;

const file = new File(['0123456789'], 'leads.csv', { type: 'text/csv' });

/** A server that keeps what arrives at the right offset and says where it stands. */
function fakeServer(received = { bytes: 0 }) {
  const chunks: string[] = [];
  return {
    chunks,
    received,
    handler: async (request: RecordedRequest) => {
      const offset = Number(request.query.get('offset'));
      if (offset !== received.bytes) {
        return errorResponse(409, 'conflict', 'The upload is elsewhere.', {
          bytes_received: received.bytes,
        });
      }
      const text = await request.rawBody!.text();
      chunks.push(text);
      received.bytes += text.length;
      return jsonResponse({ bytes_received: received.bytes });
    },
  };
}

function offsets(requests: RecordedRequest[]) {
  return requests.map((request) => Number(request.query.get('offset')));
}

describe('uploadInChunks', () => {
  it('sends the file in chunks of the given size at growing offsets', async () => {
    const server = fakeServer();
    const { requests } = stubFetch({ 'PUT /api/v1/imports/7/data': server.handler });
    const progress: UploadProgress[] = [];

    await uploadInChunks({
      importId: 7,
      file,
      chunkBytes: 4,
      offset: 0,
      onProgress: (step) => progress.push(step),
    });

    expect(offsets(requests)).toEqual([0, 4, 8]);
    expect(server.chunks).toEqual(['0123', '4567', '89']);
    expect(requests[0]!.headers.get('Content-Type')).toBe('text/csv');
    expect(progress.map((step) => step.sent)).toEqual([0, 4, 8, 10]);
    expect(progress.at(-1)?.total).toBe(10);
  });

  it('goes on from where the server stands when it answers 409', async () => {
    // A chunk arrived although its answer was lost: the server is 4 bytes further.
    const server = fakeServer({ bytes: 4 });
    const { requests } = stubFetch({ 'PUT /api/v1/imports/7/data': server.handler });

    await uploadInChunks({ importId: 7, file, chunkBytes: 4, offset: 0, onProgress: ignore });

    expect(offsets(requests)).toEqual([0, 4, 8]);
    expect(server.chunks).toEqual(['4567', '89']);
  });

  it('resumes an upload from a given offset', async () => {
    const server = fakeServer({ bytes: 8 });
    const { requests } = stubFetch({ 'PUT /api/v1/imports/7/data': server.handler });

    await uploadInChunks({ importId: 7, file, chunkBytes: 4, offset: 8, onProgress: ignore });

    expect(offsets(requests)).toEqual([8]);
    expect(server.chunks).toEqual(['89']);
  });

  it('retries a chunk after a server error, pausing longer each time', async () => {
    const server = fakeServer();
    let failures = 2;
    stubFetch({
      'PUT /api/v1/imports/7/data': (request) => {
        if (failures > 0) {
          failures -= 1;
          return errorResponse(503, 'internal', 'Try again.');
        }
        return server.handler(request);
      },
    });
    const sleep = vi.fn<(ms: number) => Promise<void>>(() => Promise.resolve());

    await uploadInChunks({
      importId: 7,
      file,
      chunkBytes: 10,
      offset: 0,
      onProgress: ignore,
      sleep,
    });

    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual(chunkRetryDelaysMs.slice(0, 2));
    expect(server.chunks).toEqual(['0123456789']);
  });

  it('gives up after the last retry and on answers that will not change', async () => {
    stubFetch({
      'PUT /api/v1/imports/7/data': () => errorResponse(503, 'internal', 'Down for maintenance.'),
    });
    await expect(
      uploadInChunks({
        importId: 7,
        file,
        chunkBytes: 4,
        offset: 0,
        onProgress: ignore,
        sleep: () => Promise.resolve(),
      }),
    ).rejects.toMatchObject({ status: 503, message: 'Down for maintenance.' });

    const { requests } = stubFetch({
      'PUT /api/v1/imports/7/data': () =>
        errorResponse(403, 'forbidden', 'Your role may not do this.'),
    });
    await expect(
      uploadInChunks({ importId: 7, file, chunkBytes: 4, offset: 0, onProgress: ignore }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(requests).toHaveLength(1);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const server = fakeServer();
    const { requests } = stubFetch({
      'PUT /api/v1/imports/7/data': (request) => {
        controller.abort();
        return server.handler(request);
      },
    });
    await expect(
      uploadInChunks({
        importId: 7,
        file,
        chunkBytes: 4,
        offset: 0,
        onProgress: ignore,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    expect(requests).toHaveLength(1);
  });

  it('measures the speed over the chunks sent', async () => {
    const server = fakeServer();
    let clock = 0;
    stubFetch({
      'PUT /api/v1/imports/7/data': (request) => {
        clock += 1000;
        return server.handler(request);
      },
    });
    const progress: UploadProgress[] = [];
    await uploadInChunks({
      importId: 7,
      file,
      chunkBytes: 5,
      offset: 0,
      onProgress: (step) => progress.push(step),
      now: () => clock,
    });
    expect(progress.map((step) => step.bytesPerSecond)).toEqual([null, 5, 5]);
  });
});
