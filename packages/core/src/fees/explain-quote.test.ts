import { describe, expect, it } from 'vitest';
import { explainQuote } from './explain-quote';

describe('explainQuote', () => {
  it('splits a mainnet registration quote and checks its total', () => {
    const e = explainQuote(
      {
        job_id: 'j',
        network_fee_credits: 12,
        total_deposit_credits: 50,
        service_fee_credits: 5,
        storage_fee_credits: 8,
        total_price_credits: 75,
      } as never,
      'mainnet',
    );
    expect(e.operation).toBe('register');
    expect(e.components).toEqual([
      { name: 'network_fee', field: 'network_fee_credits', credits: 12, waived: false },
      { name: 'deposit', field: 'total_deposit_credits', credits: 50, waived: false },
      { name: 'service_fee', field: 'service_fee_credits', credits: 5, waived: false },
      { name: 'storage_fee', field: 'storage_fee_credits', credits: 8, waived: false },
    ]);
    expect(e.waived).toEqual([]);
    expect(e.debitCredits).toBe(75);
    expect(e.statedTotalCredits).toBe(75);
    expect(e.computedTotalCredits).toBe(75);
    expect(e.addsUp).toBe(true);
    expect(e.totalIsDebit).toBe(true);
    expect(e.missingFields).toEqual([]);
  });

  it('marks the chain fees of a testnet quote as waived', () => {
    const e = explainQuote(
      {
        network_fee_credits: 0,
        total_deposit_credits: 0,
        service_fee_credits: 0,
        storage_fee_credits: 8,
        total_price_credits: 8,
      },
      'testnet',
    );
    expect(e.waived).toEqual(['network_fee', 'deposit', 'service_fee']);
    expect(e.components.find((c) => c.name === 'storage_fee')?.waived).toBe(false);
    expect(e.debitCredits).toBe(8);
    expect(e.addsUp).toBe(true);
    expect(e.totalIsDebit).toBe(true);
  });

  it('shows that a gross testnet total is not the debit', () => {
    const e = explainQuote(
      {
        network_fee_credits: 12,
        version_deposit_credits: 20,
        service_fee_credits: 5,
        storage_fee_credits: 8,
        total_price_credits: 45,
      },
      'testnet',
    );
    expect(e.operation).toBe('update');
    expect(e.components[1]).toEqual({
      name: 'deposit',
      field: 'version_deposit_credits',
      credits: 20,
      waived: true,
    });
    expect(e.addsUp).toBe(true);
    expect(e.debitCredits).toBe(8);
    expect(e.totalIsDebit).toBe(false);
  });

  it('reports a quote whose components do not add up', () => {
    const e = explainQuote(
      {
        network_fee_credits: 12,
        total_deposit_credits: 50,
        service_fee_credits: 5,
        storage_fee_credits: 8,
        total_price_credits: 80,
      },
      'mainnet',
    );
    expect(e.computedTotalCredits).toBe(75);
    expect(e.statedTotalCredits).toBe(80);
    expect(e.addsUp).toBe(false);
    // The server's total stays the authority for the debit.
    expect(e.debitCredits).toBe(80);
  });

  it('tolerates missing or malformed fields, counting them as 0', () => {
    const e = explainQuote({ network_fee_credits: '12', storage_fee_credits: 3 }, 'mainnet');
    expect(e.operation).toBe('unknown');
    expect(e.missingFields).toEqual([
      'network_fee_credits',
      'total_deposit_credits',
      'service_fee_credits',
      'total_price_credits',
    ]);
    expect(e.computedTotalCredits).toBe(3);
    expect(e.statedTotalCredits).toBeUndefined();
    expect(e.addsUp).toBe(false);
    expect(e.debitCredits).toBe(3);
  });
});
