"""The names of the synthetic country: streets (topics, people, kinds of street) and municipalities."""

# The name tables are data, kept compact: one entry per line would make them hundreds of lines long.
# fmt: off

# Street names are a base name and a kind of street. Dutch glues the kind to the base (Kerk + straat); French
# puts it in front (Rue + de l'Église). The two lists are aligned, so a bilingual street gets both names.
# The generator draws the first names more often: Kerkstraat and Rue de l'Église are the commonest.
TOPICS = [
    ("Kerk", "de l'Église"), ("Station", "de la Gare"), ("Molen", "du Moulin"), ("School", "de l'École"),
    ("Dorp", "du Village"), ("Kasteel", "du Château"), ("Kapel", "de la Chapelle"), ("Markt", "du Marché"),
    ("Beek", "du Ruisseau"), ("Bos", "du Bois"), ("Veld", "des Champs"), ("Berg", "de la Montagne"),
    ("Heide", "de la Bruyère"), ("Hof", "de la Cour"), ("Klooster", "du Couvent"), ("Brug", "du Pont"),
    ("Dijk", "de la Digue"), ("Vijver", "de l'Étang"), ("Linde", "des Tilleuls"), ("Eiken", "des Chênes"),
    ("Beuken", "des Hêtres"), ("Populieren", "des Peupliers"), ("Wilgen", "des Saules"),
    ("Kastanje", "des Marronniers"), ("Berken", "des Bouleaux"), ("Esdoorn", "des Érables"),
    ("Rozen", "des Roses"), ("Tulpen", "des Tulipes"), ("Lelie", "des Lys"), ("Bloemen", "des Fleurs"),
    ("Weide", "de la Prairie"), ("Meers", "des Prés"), ("Zand", "du Sable"), ("Steen", "de la Pierre"),
    ("Water", "de l'Eau"), ("Bron", "de la Source"), ("Fontein", "de la Fontaine"), ("Haven", "du Port"),
    ("Nieuw", "Neuve"), ("Oude", "Vieille"), ("Hoog", "Haute"), ("Lange", "Longue"), ("Korte", "Courte"),
    ("Zon", "du Soleil"), ("Maan", "de la Lune"), ("Ster", "de l'Étoile"), ("Vrede", "de la Paix"),
    ("Vrijheid", "de la Liberté"), ("Hoop", "de l'Espérance"), ("Kruis", "de la Croix"), ("Mei", "de Mai"),
    ("Lente", "du Printemps"), ("Zomer", "de l'Été"), ("Herfst", "de l'Automne"), ("Winter", "de l'Hiver"),
    ("Noord", "du Nord"), ("Zuid", "du Midi"), ("Oost", "de l'Est"), ("West", "de l'Ouest"),
    ("Pastorij", "du Presbytère"), ("Gemeentehuis", "de la Maison communale"),
    ("Stadhuis", "de l'Hôtel de Ville"), ("Post", "de la Poste"), ("Brouwerij", "de la Brasserie"),
    ("Smidse", "de la Forge"), ("Hoeve", "de la Ferme"), ("Schuur", "de la Grange"),
    ("Boomgaard", "du Verger"), ("Tuin", "du Jardin"), ("Park", "du Parc"), ("Kerkhof", "du Cimetière"),
    ("Spoor", "du Chemin de Fer"), ("Tram", "du Tram"), ("Kanaal", "du Canal"), ("Sluis", "de l'Écluse"),
    ("Rivier", "de la Rivière"), ("Maas", "de la Meuse"), ("Schelde", "de l'Escaut"), ("Leie", "de la Lys"),
    ("Dender", "de la Dendre"), ("Zenne", "de la Senne"), ("Demer", "du Démer"), ("Dijle", "de la Dyle"),
    ("Nete", "de la Nèthe"), ("Ourthe", "de l'Ourthe"), ("Samber", "de la Sambre"),
    ("Abdij", "de l'Abbaye"), ("Begijnhof", "du Béguinage"), ("Toren", "de la Tour"),
    ("Poort", "de la Porte"), ("Wal", "du Rempart"), ("Hospitaal", "de l'Hôpital"),
    ("Gasthuis", "de l'Hospice"), ("Kazerne", "de la Caserne"), ("Jacht", "de la Chasse"),
    ("Vissers", "des Pêcheurs"), ("Wevers", "des Tisserands"), ("Brouwers", "des Brasseurs"),
    ("Schippers", "des Bateliers"), ("Ambachts", "des Métiers"), ("Nijverheid", "de l'Industrie"),
    ("Handel", "du Commerce"), ("Arbeid", "du Travail"), ("Landbouw", "de l'Agriculture"),
    ("Sport", "du Sport"), ("Jeugd", "de la Jeunesse"), ("Brussel", "de Bruxelles"), ("Gent", "de Gand"),
    ("Antwerpen", "d'Anvers"), ("Leuven", "de Louvain"), ("Mechelen", "de Malines"), ("Namen", "de Namur"),
    ("Luik", "de Liège"), ("Bergen", "de Mons"), ("Doornik", "de Tournai"), ("Kortrijk", "de Courtrai"),
    ("Aalst", "d'Alost"), ("Hasselt", "d'Hasselt"), ("Brugge", "de Bruges"), ("Ninove", "de Ninove"),
    ("Halle", "de Hal"), ("Tienen", "de Tirlemont"), ("Waver", "de Wavre"), ("Nijvel", "de Nivelles"),
    ("Aarlen", "d'Arlon"), ("Dinant", "de Dinant"), ("Charleroi", "de Charleroi"),
    ("Oostende", "d'Ostende"), ("Ieper", "d'Ypres"), ("Lier", "de Lierre"),
    ("Geraardsbergen", "de Grammont"), ("Tongeren", "de Tongres"), ("Sint-Truiden", "de Saint-Trond"),
    ("Edingen", "d'Enghien"), ("Vlaanderen", "de Flandre"), ("Europa", "de l'Europe"),
    ("Heiligen", "des Saints"), ("Martelaren", "des Martyrs"), ("Veteranen", "des Combattants"),
    ("Bevrijding", "de la Libération"), ("Wapenstilstand", "de l'Armistice"), ("Helden", "des Héros"),
]
PEOPLE = [
    "Koning Albert", "Koningin Astrid", "Leopold", "Pater Damiaan", "Guido Gezelle", "Hendrik Conscience",
    "Peter Benoit", "Jan Frans Willems", "Pieter Paul Rubens", "Albrecht Rodenbach", "Emile Verhaeren",
    "Adolphe Max", "Jules Destrée", "Emile Vandervelde", "Camille Lemonnier", "Constant Permeke",
    "Frans Van Cauwelaert", "Lieven Bauwens", "Jacob van Maerlant", "Jan Breydel", "Pieter de Coninck",
    "Adolf Daens", "Pieter Bruegel", "Jan van Eyck", "Hugo Verriest", "Stijn Streuvels", "Cyriel Buysse",
    "Felix Timmermans", "Ernest Claes", "Karel van de Woestijne", "Paul van Ostaijen", "Willem Elsschot",
    "René Magritte", "Paul Delvaux", "James Ensor", "Victor Horta", "Henry van de Velde", "Adolphe Sax",
    "César Franck", "Eugène Ysaÿe", "Ambiorix", "Godfried van Bouillon", "Karel de Grote", "Maria Theresia",
    "Kardinaal Mercier", "Edith Cavell", "Gabrielle Petit", "Victor Hugo", "Generaal Leman", "Henri Pirenne",
    "Ferdinand Verbiest", "Gerard Mercator", "Andreas Vesalius", "Justus Lipsius", "Rembert Dodoens",
    "Simon Stevin", "Jules Bordet", "Georges Lemaître", "Ernest Solvay", "Zénobe Gramme", "Jan Palfijn",
    "Lodewijk de Raet", "Auguste Beernaert", "Joseph Lebeau", "Charles Rogier", "Paul Janson", "Pierre Curie",
    "Louis Pasteur", "Jean Jaurès", "Pieter Coutereel", "Jan Van Rijswijck", "Lieven Gevaert",
    "Edward Anseele", "August De Boeck", "Florimond Van Duyse", "Prudens Van Duyse", "Karel Van Mander",
    "Rik Wouters", "Frans Masereel", "Jozef Cardijn", "Emiel Vliebergh", "Hubert Van Eyck", "Dirk Martens",
    "Joseph Wauters", "Anne Frank", "Robert Schuman", "Paul-Henri Spaak", "Achille Van Acker",
    "Camille Huysmans", "Alfons Vranckx", "Remi Ceuppens", "Eugène Flagey", "Georges Nagelmackers",
    "Désiré Mercier", "Albert Schweitzer", "Sint-Jan", "Sint-Pieter", "Sint-Martinus", "Sint-Amandus",
    "Sint-Lambertus", "Onze-Lieve-Vrouw", "Sint-Jozef", "Sint-Anna", "Sint-Elooi", "Sint-Michiel",
]
# Streets named after local people: a first name and a surname, drawn uniformly, so that these names are
# mostly distinct, as in the register (Kerkstraat repeats hundreds of times; Jozef Van Dammestraat rarely).
FIRST_NAMES = [
    "Jozef", "Jan", "Pieter", "Karel", "Frans", "Willem", "Hendrik", "August", "Louis", "Emiel", "Victor",
    "Alfons", "Camille", "Gustaaf", "Edward", "Leon", "Jules", "Maurice", "Georges", "Marcel", "Albert",
    "Theo", "Lode", "Remi", "Cyriel", "Gerard", "Joris", "Lieven", "Maarten", "Dirk", "Jacques", "Henri",
    "Joseph", "Pierre", "Jean", "Paul", "René", "André", "Fernand", "Lucien", "Maria", "Anna", "Elisabeth",
    "Julia", "Rosa", "Clara", "Helena", "Margaretha", "Louise", "Marie", "Jeanne", "Hélène", "Irma",
    "Berthe", "Alice", "Emma", "Léonie", "Mathilde", "Céline", "Godelieve",
]
SURNAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
    "Dubois", "Lambert", "Dupont", "Martin", "Hermans", "Van Damme", "Pauwels", "Michiels", "Verhoeven",
    "De Clercq", "Vermeulen", "Desmet", "Aerts", "Van den Broeck", "Leclercq", "Dumont", "Simon", "Declercq",
    "Smets", "Hendrickx", "Lemmens", "Laurent", "Renard", "Segers", "Coppens", "Van de Velde", "Wuyts",
    "Stevens", "Verstraeten", "De Backer", "Cools", "Denis", "Mathieu", "Vandenberghe", "Lejeune", "Gerard",
    "Van Dyck", "Martens", "Verbeke", "Thys", "Hubert", "Bogaerts", "Van Hoof", "Baert", "Devos", "Leroy",
    "Dewilde", "Mahieu", "De Wolf", "Francois", "Collard", "De Vos", "Vandamme", "Van Acker", "Moens",
    "Lenaerts", "Huysmans", "Bosmans", "Dierckx", "Van Laere", "Verlinden", "Schepers", "Nijs", "Claeys",
    "Van Hecke", "Bertrand", "Fontaine", "Pirard", "Goffin", "Henrard", "Lecomte", "Massart", "Noël",
    "Gilson", "Delvaux", "Wauters", "Vanderstraeten", "De Meyer", "Van Looy", "Geerts", "Verschueren",
    "Roels", "Cornelis", "Van Roey", "Daems", "Bracke", "Smeets", "Vos", "De Cock", "Lambrechts", "Engelen",
    "Verhaegen", "Dierickx", "Rombouts", "Van Gestel", "Beckers", "Sels", "Dekeyser", "Dhondt", "Vercammen",
    "Deprez", "Tilkin", "Hoste", "Kerckhofs", "Vervoort", "Smolders", "Vanhove", "Meeus", "Van Camp",
]
# (Dutch suffix, French prefix), the commonest first: the generator draws the first ones more often.
KINDS = [
    ("straat", "Rue"), ("laan", "Avenue"), ("weg", "Chemin"), ("plein", "Place"), ("steenweg", "Chaussée"),
    ("dreef", "Drève"), ("lei", "Boulevard"), ("pad", "Sentier"), ("kaai", "Quai"), ("hof", "Clos"),
    ("baan", "Route"), ("straatje", "Ruelle"),
]
NL_BASES = [nl for nl, _ in TOPICS] + PEOPLE
FR_BASES = [fr for _, fr in TOPICS] + PEOPLE
NL_KINDS = [nl for nl, _ in KINDS]
FR_KINDS = [fr for _, fr in KINDS]

# Municipality names: 30 x 20 invented compounds per language, all distinct (a few may exist somewhere; their
# NIS codes, "0" and four digits, never do).
MUNI_A_NL = [
    "Ooster", "Wester", "Noorder", "Zuider", "Neder", "Over", "Hoog", "Laag", "Groot", "Klein", "Mol", "Berg",
    "Beek", "Bos", "Heide", "Brug", "Ker", "Lin", "Ro", "Wa", "Ha", "Ze", "Dil", "Mel", "Her", "Ever", "Vil",
    "Lom", "Ter", "As",
]
MUNI_B_NL = [
    "kerke", "zele", "gem", "hout", "dijk", "broek", "lo", "beke", "rode", "hove", "bergen", "donk", "hem",
    "meer", "voorde", "velde", "laar", "dael", "sele", "thout",
]
MUNI_A_FR = [
    "Beau", "Mont", "Ville", "Mar", "Lou", "Chât", "Fleu", "Ro", "Bel", "Her", "Jam", "Val", "Gem", "Cour",
    "Fon", "Ham", "Sen", "Wav", "Ver", "Spri", "Neuf", "Haut", "Bas", "Petit", "Grand", "Bra", "Tin", "Lim",
    "Ar", "Pé",
]
MUNI_B_FR = [
    "ville", "mont", "court", "champ", "fontaine", "sart", "rieux", "mal", "lez", "ronne", "chêne", "bois",
    "val", "pré", "roche", "leux", "ghien", "nes", "ain", "fays",
]
# fmt: on
