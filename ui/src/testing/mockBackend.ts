// The mock backend the unit tests run on; it lives in `mock/`, one part per page.
export * from "./mock";
