import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdOf } from '../../api/http/request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const withHeader = (value: string | string[] | undefined) =>
  ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as unknown as IncomingMessage;

describe('requestIdOf', () => {
  it('keeps a sane client id: word characters . : - and at most 128 of them', () => {
    for (const id of ['abc', 'req-1.2:3_x', 'a'.repeat(128)]) expect(requestIdOf(withHeader(id))).toBe(id);
  });

  it('makes a new UUID for a missing, empty, too long, repeated or unsafe id', () => {
    for (const id of [undefined, '', 'a'.repeat(129), ['a', 'b'], 'a b', 'a\nb', '<script>', 'ünï']) {
      expect(requestIdOf(withHeader(id))).toMatch(UUID);
    }
  });

  it('a new id each time', () => {
    expect(requestIdOf(withHeader(undefined))).not.toBe(requestIdOf(withHeader(undefined)));
  });
});
