import { describe, expect, it } from 'vitest';
import { RouteTable } from './route-table';

describe('RouteTable', () => {
  const table = new RouteTable();
  table.add('POST', '/v1/works/init');
  table.add('GET', '/v1/works/:atsId');
  table.add('GET', '/v1/transactions/:id');

  it('lists the methods of a path, HEAD implied by GET', () => {
    expect(table.allowedMethods('/v1/transactions/x')).toEqual(['GET', 'HEAD']);
    expect(table.allowedMethods('/v1/nothing')).toEqual([]);
  });

  it('prefers literal segments over parameters', () => {
    expect(table.preferredMethods('/v1/works/init')).toEqual(['POST']);
    expect(table.preferredMethods('/v1/works/7')).toEqual(['GET', 'HEAD']);
    expect(table.patternFor('GET', '/v1/works/7')).toBe('/v1/works/:atsId');
  });
});
