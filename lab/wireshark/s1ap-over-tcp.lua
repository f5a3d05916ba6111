-- S1AP over framed TCP, as the OpenMCIM lab carries it where the kernel has no SCTP
-- (lab/sctp-over-tcp and ue-sim's --transport tcp-framed): each S1AP PDU is preceded by its
-- length, 4 octets big-endian. This dissector undoes the framing and hands every PDU to
-- Wireshark's own S1AP dissector (TS 36.413; NAS-EPS inside it), so a capture of the lab decodes
-- as it would on a real S1-MME over SCTP with PPID 18.
--
--   tshark -X lua_script:lab/wireshark/s1ap-over-tcp.lua -r capture.pcapng
--   (or copy it to ~/.local/lib/wireshark/plugins/ for Wireshark)

local proto = Proto("s1ap_framed", "S1AP over framed TCP (OpenMCIM lab)")
local f_length = ProtoField.uint32("s1ap_framed.length", "PDU length", base.DEC)
proto.fields = { f_length }

local s1ap = Dissector.get("s1ap")
local port = 36412 -- TS 36.412 §7: the S1AP port, kept for the framed transport

local function pdu_length(tvb, pinfo, offset)
    return 4 + tvb(offset, 4):uint()
end

local function dissect_pdu(tvb, pinfo, tree)
    local length = tvb(0, 4):uint()
    local t = tree:add(proto, tvb(0, 4 + length))
    t:add(f_length, tvb(0, 4))
    if length > 0 then
        s1ap:call(tvb(4, length):tvb(), pinfo, tree)
    end
    return 4 + length
end

function proto.dissector(tvb, pinfo, tree)
    dissect_tcp_pdus(tvb, tree, 4, pdu_length, dissect_pdu)
    return tvb:len()
end

DissectorTable.get("tcp.port"):add(port, proto)
