/** The contract's body limits, extracted at build time (web/build/contract-limits.ts). */
declare module 'virtual:contract-limits' {
  const limits: import('../../build/contract-limits').ContractLimits;
  export default limits;
}
