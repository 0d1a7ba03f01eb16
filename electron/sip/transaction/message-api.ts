// The one place the SIP core above the message layer gets its message builders from (RFC 3261 §8.1.1 requests,
// §8.2.6.2 responses), so a change in the message layer's module layout is a one-line change here.
export { createRequest, createResponse } from '../message/builders';
