// Seed 001's event catalogue: the events a Jiwa REST API publishes by default, with Jiwa's own
// descriptions. `herald event-types import jiwa` or HERALD_EVENT_CATALOGUE=jiwa loads it; events
// that exist already are left as they are, and producers (Jiwa's plugins) may add more through the API.

/** A preset event type: a name and its description. */
export interface PresetEventType {
  name: string;
  description: string;
}

export const JIWA_EVENTS: readonly PresetEventType[] = [
  { name: 'bookin.created', description: 'Occurs when a new book in is created' },
  { name: 'bookin.updated', description: 'Occurs when a book in is modified' },
  { name: 'creditor.created', description: 'Occurs when a new creditor (supplier) is created' },
  { name: 'creditor.deleted', description: 'Occurs when a creditor (supplier) is deleted' },
  { name: 'creditor.updated', description: 'Occurs when a creditor (supplier) is modified' },
  { name: 'creditorclassification.created', description: 'Occurs when a new creditor classification is created' },
  { name: 'creditorclassification.deleted', description: 'Occurs when a creditor classification is deleted' },
  { name: 'creditorclassification.updated', description: 'Occurs when a creditor classification is modified' },
  { name: 'debtor.created', description: 'Occurs when a new debtor (customer) is created' },
  { name: 'debtor.deleted', description: 'Occurs when a debtor (customer) is deleted' },
  { name: 'debtor.updated', description: 'Occurs when a debtor (customer) is modified' },
  { name: 'debtorcategory.created', description: 'Occurs when a new debtor category is created' },
  { name: 'debtorcategory.deleted', description: 'Occurs when a debtor category is deleted' },
  { name: 'debtorcategory.updated', description: 'Occurs when a debtor category is modified' },
  { name: 'debtorclassification.created', description: 'Occurs when a new debtor classification is created' },
  { name: 'debtorclassification.deleted', description: 'Occurs when a debtor classification is deleted' },
  { name: 'debtorclassification.updated', description: 'Occurs when a debtor classification is modified' },
  { name: 'goodsreceivednote.created', description: 'Occurs when a new goods received note is created' },
  { name: 'goodsreceivednote.updated', description: 'Occurs when a goods received note is modified' },
  { name: 'inventory.created', description: 'Occurs when a new inventory item (product) is created' },
  { name: 'inventory.deleted', description: 'Occurs when an inventory item (product) is deleted' },
  { name: 'inventory.updated', description: 'Occurs when an inventory item (product) is modified' },
  { name: 'inventory.stocklevel', description: 'Occurs when an inventory item stock level changes' },
  { name: 'inventorycategory.created', description: 'Occurs when a new inventory category is created' },
  { name: 'inventorycategory.deleted', description: 'Occurs when an inventory category is deleted' },
  { name: 'inventorycategory.updated', description: 'Occurs when an inventory category is modified' },
  { name: 'inventoryclassification.created', description: 'Occurs when a new inventory classification is created' },
  { name: 'inventoryclassification.deleted', description: 'Occurs when an inventory classification is deleted' },
  { name: 'inventoryclassification.updated', description: 'Occurs when an inventory classification is modified' },
  { name: 'purchaseorder.created', description: 'Occurs when a new purchase order is created' },
  { name: 'purchaseorder.deleted', description: 'Occurs when a purchase order is deleted' },
  { name: 'purchaseorder.updated', description: 'Occurs when a purchase order is modified' },
  { name: 'salesorder.created', description: 'Occurs when a new sales order is created' },
  { name: 'salesorder.updated', description: 'Occurs when a sales order is modified' },
  { name: 'salesquote.created', description: 'Occurs when a new sales quote is created' },
  { name: 'salesquote.updated', description: 'Occurs when a sales quote is modified' },
  { name: 'shipment.created', description: 'Occurs when a new shipment is created' },
  { name: 'shipment.updated', description: 'Occurs when a shipment is modified' },
  { name: 'warehousetransferin.created', description: 'Occurs when a new warehouse transfer in is created' },
  { name: 'warehousetransferin.updated', description: 'Occurs when a warehouse transfer in is modified' },
  { name: 'warehousetransferout.created', description: 'Occurs when a new warehouse transfer out is created' },
  { name: 'warehousetransferout.updated', description: 'Occurs when a warehouse transfer out is modified' },
];
