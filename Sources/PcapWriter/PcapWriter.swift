// pcap file writer and packet builder (issue 2).
public enum PcapWriterPlaceholder {}
