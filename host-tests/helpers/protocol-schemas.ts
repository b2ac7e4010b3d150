/** The protocol's JSON Schemas for tests; they live with the monitor, which validates live traffic with them. */
export * from '../../simulator/monitor/schemas';
