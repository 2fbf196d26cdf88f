/** A command that takes no fields: any field sent is refused as unknown. */
export class EmptyDto {}
