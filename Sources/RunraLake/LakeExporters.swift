public import RunraReplay

extension ExporterRegistry {
    /// Adds the `parquet` exporter (Parquet files, or a Delta Lake table with `format: delta`).
    public mutating func registerLakeExporters() {
        register(ParquetExporter.registration)
    }
}
