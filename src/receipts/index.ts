// Registration receipts: what other modules use.
export { receiptFor, receiptService, type ReceiptContext } from './receipt-registry.ts';
export { ReceiptErasedError, type ReceiptFile } from './receipt-service.ts';
export { receiptLinkLine, webchatReceiptUrl, verificationUrl } from './receipt-links.ts';
