#!/usr/bin/env bash
# Writes one brief cell per writer (the grid of DATA_WRITING.md). Re-run to regenerate; add a line to extend.
set -eu
cd "$(dirname "$0")"
mk() { # id file lexicon rows positives regions platforms personas focus min_per_category min_neg_kata
cat > "$1.md" <<EOF
# Cell $1
- Output file: \`/work/main/data/raw/$2\`
- Candidate lexicon: \`/work/main/data/$3\` (use only the candidates of your region(s); if your region has none listed, use the pairs of the nearest listed region as if they were running there)
- Region(s) and voice: $6
- Platforms (vary among these, mostly): $7
- Personas: $8
- Focus categories (write extra positives here): $9
- Rows: about $4 in total: about $5 positives (at least ${10} in EACH of the six categories, the rest in your focus categories; at least one third subtle), and the rest negatives, of which at least 75% hard (NEG-INGAT/LAPOR/INFO/BERITA/KATA/DINAS/OPINI, at least ${11} NEG-KATA) and the rest NEG-UMUM.
EOF
}
mk T01 train_T01.jsonl candidates.yaml 260 108 "Aceh (Banda Aceh, Bireuen, Meulaboh): Acehnese words and particles, religious greetings" "facebook, whatsapp, instagram" "guru PNS di dayah/madrasah, staf kantor camat, istri ASN, penyuluh agama honorer" "identitas, dukungan" 15 35
mk T02 train_T02.jsonl candidates.yaml 260 108 "Medan and Batak (Tapanuli, Siantar): 'lae', 'ito', 'bah', blunt Medan humour" "x, tiktok, youtube" "anggota Satpol PP, ASN muda Dishub, guru PPPK, pensiunan PNS" "serangan, simbol" 15 35
mk T03 train_T03.jsonl candidates.yaml 260 108 "Minangkabau (Padang, Bukittinggi, Payakumbuh): 'awak', 'ambo', 'uda/uni', 'bana', 'indak'" "instagram, facebook, whatsapp" "bidan dan perawat puskesmas, staf dinas kesehatan, wali nagari staff, suami ASN" "identitas, kampanye" 15 35
mk T04 train_T04.jsonl candidates.yaml 260 108 "Palembang / Sumsel (wong kito: 'galo', 'nian', 'cak mano', 'kagek', 'dak')" "tiktok, whatsapp, facebook" "staf Dinas PU, honorer kelurahan, operator sekolah, kepala seksi di dinas" "mobilisasi, simbol" 15 35
mk T05 train_T05.jsonl candidates.yaml 260 108 "Banten (Serang, Pandeglang, Tangerang): Jaseng and Sundanese-Banten mix, 'jawara', 'abah'" "facebook (groups), youtube comments, whatsapp forwards" "staf kelurahan, istri ASN di grup ibu-ibu, pegawai RSUD, guru ngaji yang juga PPPK" "kampanye, mobilisasi" 15 35
mk T06 train_T06.jsonl candidates.yaml 260 108 "Sunda (Garut, Tasikmalaya, Bandung): 'mah', 'teh', 'atuh', 'euy', 'pisan', 'sok'" "facebook, whatsapp group forwards (copas chains), tiktok" "penyuluh pertanian, perangkat desa, kepala sekolah, pegawai puskesmas" "mobilisasi, dukungan" 15 35
mk T07 train_T07.jsonl candidates.yaml 260 108 "Jawa Tengah / Yogyakarta (Klaten, Solo, Jogja): 'ora', 'monggo', 'nggih', 'lur', 'sedulur'" "facebook long posts, x, instagram" "guru SD PPPK, pensiunan PNS, pegawai kecamatan, bapak-bapak grup alumni" "dukungan, serangan" 15 35
mk T08 train_T08.jsonl candidates.yaml 260 108 "Madura and pesantren Jatim (Sumenep, Pamekasan, Bangkalan): 'ra', 'lora', 'bhindhereh', 'sampeyan'" "whatsapp, facebook, youtube comments" "staf kantor camat, guru madrasah PNS, kepala desa staff, santri alumni yang jadi ASN" "identitas, mobilisasi" 15 35
mk T09 train_T09.jsonl candidates.yaml 260 108 "Surabaya and Malang (Suroboyoan: 'rek', 'cak', 'koen', 'arek')" "instagram, tiktok, x" "ASN muda content creator, pegawai Diskominfo, staf humas pemkot, mahasiswa anak ASN" "simbol, kampanye" 15 35
mk T10 train_T10.jsonl candidates.yaml 260 108 "Bali (Gianyar, Denpasar, Buleleng): 'bli', 'mbok', 'nggih', 'om swastiastu', banjar life" "instagram, facebook, whatsapp" "kepala dinas, staf banjar/desa adat, guru PNS, pegawai RSUD" "simbol, dukungan" 15 35
mk T11 train_T11.jsonl candidates.yaml 260 108 "NTT (Kupang, Flores, Sumba, Timor): 'beta', 'lu', 'su', 'sonde', 'ko', 'nona', church life" "facebook, whatsapp, youtube comments" "guru SD inpres PNS, nakes puskesmas, staf kantor desa, pensiunan guru" "identitas, serangan" 15 35
mk T12 train_T12.jsonl candidates.yaml 260 108 "Banjar / Kalsel (Banjarmasin, Martapura, Barabai): 'ulun', 'pian', 'kada', 'banar', 'lah', 'kah'" "facebook, tiktok, whatsapp" "pegawai kelurahan, guru TK PNS, staf Satpol PP, pambakal (kades) staff" "kampanye, serangan" 15 35
mk T13 train_T13.jsonl candidates.yaml 260 108 "Bugis-Makassar / Sulsel (Makassar, Bone, Parepare): 'ji', 'mi', 'ki', 'di', 'ces', 'puang', 'daeng'" "x, facebook, tiktok, youtube comments" "ASN Dinas Pendidikan, staf BPBD, lurah staff, honorer puskesmas" "mobilisasi, identitas" 15 35
mk E01 eval_E01.jsonl candidates_eval.yaml 180 75 "Riau (Pekanbaru, Siak: Malay 'tak', 'awak', 'atuk') and Lampung (Metro, Lampung Tengah: 'nyak', 'ikam', Javanese transmigrant mix)" "x, youtube comments, facebook" "dosen PNS, staf BPBD, honorer kantor desa, guru SMA PNS" "serangan, mobilisasi" 10 20
mk E02 eval_E02.jsonl candidates_eval.yaml 180 75 "Jakarta Betawi ('aye', 'ente', 'kagak', 'mpok', 'babe') and Lombok/Sasak NTB ('side', 'tiang', 'mamiq', 'tuan guru')" "tiktok, instagram, whatsapp status" "anggota Satpol PP, staf kelurahan, nakes puskesmas, ASN muda" "simbol, identitas" 10 20
mk E03 eval_E03.jsonl candidates_eval.yaml 180 75 "Kalimantan: Dayak Kalteng (Palangka Raya: 'kuh', 'ikau', huma betang), Pontianak Melayu, Samarinda and Bulungan/Kaltara" "facebook, whatsapp, youtube comments" "guru PNS pedalaman, staf kantor camat, kepala dinas, penyuluh kehutanan" "kampanye, dukungan" 10 20
mk E04 eval_E04.jsonl candidates_eval.yaml 180 75 "Manado/Sulut ('torang', 'ngana', 'kita', 'bakusedu'), Maluku/Ambon ('beta', 'ose', 'katong', 'pela gandong') and Papua ('sa', 'ko', 'kaka', 'pace', 'mace')" "facebook, x, tiktok" "guru PPPK, staf kantor distrik, pegawai gereja yang juga PNS, perawat RSUD" "identitas, mobilisasi" 10 20
