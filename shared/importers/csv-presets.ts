import type { CsvMapping } from './types.js';

/**
 * Bank and card statements as CSV. Which column is what differs per bank, so
 * a file is read with a mapping: a saved one (`importOptions.csvMappings` in
 * config.json, or `--csv-map` once) or a preset for a common layout, chosen
 * by the header row. Dates follow the mapping's `dateFormat`, amounts its
 * decimal mark (`1.234,56` with `,`), the delimiter is found from the header.
 */
export const PRESETS: readonly CsvMapping[] = [
  { name: 'chase', match: ['Transaction Date', 'Post Date', 'Description', 'Amount'], date: 'Transaction Date', amount: 'Amount', payee: 'Description', memo: 'Memo', category: 'Category', currency: 'USD', dateFormat: 'MM/DD/YYYY', decimal: '.' },
  { name: 'revolut', match: ['Type', 'Started Date', 'Completed Date', 'Description', 'Amount', 'Currency'], date: 'Completed Date', amount: 'Amount', payee: 'Description', currencyColumn: 'Currency', category: 'Type', dateFormat: 'YYYY-MM-DD', decimal: '.' },
  { name: 'n26', match: ['Date', 'Payee', 'Payment reference', 'Amount (EUR)'], date: 'Date', amount: 'Amount (EUR)', payee: 'Payee', memo: 'Payment reference', category: 'Transaction type', currency: 'EUR', dateFormat: 'YYYY-MM-DD', decimal: '.' },
  { name: 'sparkasse', match: ['Buchungstag', 'Verwendungszweck', 'Beguenstigter/Zahlungspflichtiger', 'Betrag'], date: 'Buchungstag', amount: 'Betrag', payee: 'Beguenstigter/Zahlungspflichtiger', memo: 'Verwendungszweck', currencyColumn: 'Waehrung', currency: 'EUR', category: 'Buchungstext', dateFormat: 'DD.MM.YY', decimal: ',' },
  { name: 'dkb', match: ['Buchungsdatum', 'Zahlungsempfänger*in', 'Verwendungszweck', 'Betrag (€)'], date: 'Buchungsdatum', amount: 'Betrag (€)', payee: 'Zahlungsempfänger*in', memo: 'Verwendungszweck', currency: 'EUR', dateFormat: 'DD.MM.YY', decimal: ',' },
  // N26 before 2020 (German header), and since 2020.
  { name: 'n26-de', match: ['Datum', 'Empfänger', 'Verwendungszweck', 'Betrag (EUR)'], date: 'Datum', amount: 'Betrag (EUR)', payee: 'Empfänger', memo: 'Verwendungszweck', category: 'Kategorie', currency: 'EUR', dateFormat: 'YYYY-MM-DD', decimal: '.' },
  { name: 'n26-2020', match: ['Booking Date', 'Partner Name', 'Amount (EUR)'], date: 'Booking Date', amount: 'Amount (EUR)', payee: 'Partner Name', memo: 'Payment Reference', category: 'Type', currency: 'EUR', dateFormat: 'YYYY-MM-DD', decimal: '.' },
  { name: 'monzo', match: ['id', 'created', 'amount', 'currency', 'description'], date: 'created', amount: 'amount', payee: 'description', memo: 'notes', category: 'category', currencyColumn: 'currency', reference: 'id', dateFormat: 'YYYY-MM-DD', decimal: '.' },
  // Mint writes amounts without a sign and says which way in "Transaction Type".
  { name: 'mint', match: ['Date', 'Description', 'Original Description', 'Amount', 'Transaction Type'], date: 'Date', amount: 'Amount', signColumn: 'Transaction Type', payee: 'Description', memo: 'Notes', category: 'Category', dateFormat: 'auto', decimal: '.' },
  { name: 'generic', match: ['Date', 'Description', 'Amount'], date: 'Date', amount: 'Amount', payee: 'Description', memo: 'Memo', currencyColumn: 'Currency', dateFormat: 'auto', decimal: '.' },
];
